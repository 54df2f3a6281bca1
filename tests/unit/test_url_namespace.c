/* HTTP.sys's URL namespace (runtime/url_namespace.c): the categories in
 * their order, the longest path within one, reservations nobody
 * registered, who may register a prefix, and Microsoft's own example. */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "runtime/url_namespace.h"

static bind_arena *arena;

static bind_url_prefix prefix(const char *url)
{
    bind_url_prefix p;
    const char *why = NULL;
    if (!bind_url_prefix_parse(arena, url, &p, &why)) fail_msg("%s: %s", url, why);
    return p;
}

static const char *served(const bind_url_namespace *ns, const char *host, const char *local, uint16_t port, const char *path)
{
    bind_url_request rq = { false, host, { 0 }, port, path };
    assert_true(bind_addr_parse(arena, local, strlen(local), &rq.local, NULL));
    const bind_url_entry *e = bind_url_ns_route(ns, &rq);
    if (!e) return "nothing";
    return e->registrant ? e->registrant : bind_arena_printf(arena, "503 %s", bind_url_prefix_text(arena, &e->prefix));
}

static void test_url_prefix_forms(void **state)
{
    (void)state;
    bind_url_prefix p = prefix("http://+:80/");
    assert_int_equal(p.category, BIND_URL_STRONG);
    p = prefix("https://Shop.Example:443/App/");
    assert_int_equal(p.category, BIND_URL_HOST);
    assert_string_equal(p.host, "shop.example");
    assert_string_equal(p.path, "/app/");
    assert_true(p.https);
    p = prefix("http://[::1]:8080/");
    assert_int_equal(p.category, BIND_URL_IP);
    assert_string_equal(bind_url_prefix_text(arena, &p), "http://[::1]:8080/");
    p = prefix("http://10.0.0.5:80/");
    assert_int_equal(p.category, BIND_URL_IP);
    assert_int_equal(prefix("http://*:80/").category, BIND_URL_WEAK);
    static const char *const bad[] = { "ftp://+:80/", "http://+/", "http://+:0/", "http://+:80", "http://+:99999/",
                                       "http://:80/", "http://[::1:80/", "http://+:080/" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *why = NULL;
        if (bind_url_prefix_parse(arena, bad[i], &p, &why)) fail_msg("%s was taken", bad[i]);
        assert_non_null(why);
    }
}

/* "UrlPrefix Strings": +:80/vroot/ (app1) beats adatum.com:80/ (app2)
 * beats *:80/ (app3); a reservation for user B on adatum.com:80/ blocks
 * app1 registered as *:80/vroot/. */
static void test_url_microsoft_example(void **state)
{
    (void)state;
    bind_url_namespace *ns = bind_url_ns_new();
    bind_url_prefix app1 = prefix("http://+:80/vroot/"), app2 = prefix("http://adatum.com:80/"), app3 = prefix("http://*:80/");
    bind_url_ns_register(ns, &app1, "app1", NULL);
    bind_url_ns_register(ns, &app2, "app2", NULL);
    bind_url_ns_register(ns, &app3, "app3", NULL);
    assert_string_equal(served(ns, "adatum.com", "10.0.0.1", 80, "/vroot/page"), "app1");
    assert_string_equal(served(ns, "adatum.com", "10.0.0.1", 80, "/other"), "app2");
    assert_string_equal(served(ns, "ADATUM.COM", "10.0.0.1", 80, "/"), "app2");
    assert_string_equal(served(ns, "contoso.com", "10.0.0.1", 80, "/"), "app3");
    assert_string_equal(served(ns, "contoso.com", "10.0.0.1", 80, "/VROOT/x"), "app1");
    assert_string_equal(served(ns, "contoso.com", "10.0.0.1", 81, "/"), "nothing");
    bind_url_ns_free(ns);

    ns = bind_url_ns_new();
    bind_url_prefix weak = prefix("http://*:80/vroot/");
    bind_url_ns_register(ns, &weak, "app1", NULL);
    bind_url_ns_reserve(ns, &app2, "D:(A;;GX;;;S-1-5-21-1-2-3-1001)", NULL);
    assert_string_equal(served(ns, "adatum.com", "10.0.0.1", 80, "/vroot/"), "503 http://adatum.com:80/");
    assert_string_equal(served(ns, "contoso.com", "10.0.0.1", 80, "/vroot/"), "app1");
    /* Only requests for adatum.com go to the reservation: app1 still
     * answers the others, so its prefix is not shadowed as a whole. */
    assert_null(bind_url_ns_shadowing(ns, &weak));
    bind_url_ns_free(ns);
}

/* IP-bound weak wildcards come after explicit hosts and before `*`; the
 * longest path wins within a category, not across categories. */
static void test_url_categories(void **state)
{
    (void)state;
    bind_url_namespace *ns = bind_url_ns_new();
    bind_url_prefix ip = prefix("http://10.0.0.5:80/"), weak = prefix("http://*:80/api/deep/"), host = prefix("http://shop.example:80/");
    bind_url_ns_register(ns, &ip, "ip", NULL);
    bind_url_ns_register(ns, &weak, "weak", NULL);
    bind_url_ns_register(ns, &host, "host", NULL);
    assert_string_equal(served(ns, "other.example", "10.0.0.5", 80, "/api/deep/x"), "ip");
    assert_string_equal(served(ns, "other.example", "10.0.0.6", 80, "/api/deep/x"), "weak");
    assert_string_equal(served(ns, "shop.example", "10.0.0.5", 80, "/api/deep/x"), "host");
    assert_string_equal(served(ns, NULL, "10.0.0.6", 80, "/"), "nothing");
    bind_url_ns_free(ns);
}

/* Who may register: the reservation of the prefix's own category with the
 * longest path it lies under; `+:80/` reserved shadows `*:80/`. */
static void test_url_reservations(void **state)
{
    (void)state;
    bind_url_namespace *ns = bind_url_ns_new();
    bind_url_prefix root = prefix("http://+:80/"), app = prefix("http://+:80/app/"), deep = prefix("http://+:80/app/x/");
    bind_url_ns_reserve(ns, &root, "D:(A;;GX;;;WD)", NULL);
    bind_url_ns_reserve(ns, &app, "D:(A;;GX;;;S-1-5-20)", NULL);
    assert_string_equal(bind_url_ns_reservation_for(ns, &deep)->sddl, "D:(A;;GX;;;S-1-5-20)");
    bind_url_prefix other = prefix("http://+:80/other/");
    assert_string_equal(bind_url_ns_reservation_for(ns, &other)->sddl, "D:(A;;GX;;;WD)");
    bind_url_prefix local = prefix("http://localhost:80/");
    assert_null(bind_url_ns_reservation_for(ns, &local));           /* another category: nothing reserved */
    bind_url_prefix weak = prefix("http://*:80/");
    const bind_url_entry *s = bind_url_ns_shadowing(ns, &weak);
    assert_non_null(s);
    assert_string_equal(bind_url_prefix_text(arena, &s->prefix), "http://+:80/");
    assert_null(bind_url_ns_shadowing(ns, &root));
    bind_url_ns_free(ns);

    /* A reservation of a category searched after the prefix's own does not
     * shadow it, even when the prefix is not in the namespace itself (the
     * checks ask about registrations before anyone makes them). */
    ns = bind_url_ns_new();
    bind_url_prefix star = prefix("http://*:80/"), ip = prefix("http://10.0.0.5:80/");
    bind_url_ns_reserve(ns, &star, "D:(A;;GX;;;S-1-5-80-1)", NULL);
    assert_null(bind_url_ns_shadowing(ns, &local));
    assert_null(bind_url_ns_shadowing(ns, &ip));
    bind_url_prefix star_app = prefix("http://*:80/app/");
    assert_null(bind_url_ns_shadowing(ns, &star_app));
    bind_url_ns_reserve(ns, &local, "D:(A;;GX;;;WD)", NULL);
    assert_null(bind_url_ns_shadowing(ns, &ip));                    /* localhost is another host */
    bind_url_ns_free(ns);
}

static int setup(void **state) { (void)state; arena = bind_arena_new(); return 0; }
static int teardown(void **state) { (void)state; bind_arena_free(arena); return 0; }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_prefix_forms),
        cmocka_unit_test(test_url_microsoft_example),
        cmocka_unit_test(test_url_categories),
        cmocka_unit_test(test_url_reservations),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
