'use strict';
// A record chosen in a sidebar autocomplete filter reloads the list filtered by it, from its first page.
{
    const $ = django.jQuery;
    $(function() {
        $('.record-link-filter select[data-filter-parameter]').on('change', function() {
            const url = new URL(window.location.href);
            url.searchParams.delete('p');
            if (this.value) {
                url.searchParams.set(this.dataset.filterParameter, this.value);
            } else {
                url.searchParams.delete(this.dataset.filterParameter);
            }
            window.location.assign(url.toString());
        });
    });
}
