//! The administrator's console served at `/` from the binary: the page without a protocol header,
//! the console's own paths falling back to it, typed and cached assets, and `/api/*` staying JSON.

use serde_json::Value;

use crate::support::{Backend, TestServer};

fn origin(s: &TestServer) -> String {
    s.base.trim_end_matches("/api/v1").to_string()
}

#[tokio::test]
async fn the_console_is_served_at_root_and_its_screens_fall_back_to_index_html() {
    let s = TestServer::start(Backend::Sqlite).await;
    let root = s
        .client
        .get(format!("{}/", origin(&s)))
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(root.status(), 200, "a browser sends no protocol header");
    assert_eq!(
        root.headers()["content-type"],
        "text/html; charset=utf-8",
        "the console's page is HTML"
    );
    assert_eq!(root.headers()["cache-control"], "no-cache");
    let page = root.text().await.expect("the page is text");
    assert!(
        page.contains("<html"),
        "the root is the console's page: {page}"
    );

    let screen = s
        .client
        .get(format!("{}/users", origin(&s)))
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(screen.status(), 200, "a screen's path is the console too");
    assert_eq!(
        screen.text().await.expect("text"),
        page,
        "a path naming no file gets index.html"
    );

    // Every script and stylesheet the page names is served with its type and cached for good (a
    // build with web/dist embeds at least the script; without it, the page saying to run make ui).
    let built = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../web/dist/index.html"
    ))
    .exists();
    let mut assets = 0;
    for asset in page
        .split('"')
        .filter(|p| p.starts_with("/assets/") || p.starts_with("./assets/"))
    {
        let path = asset.trim_start_matches('.');
        let resp = s
            .client
            .get(format!("{}{}", origin(&s), path))
            .send()
            .await
            .expect("the request reaches the server");
        assert_eq!(resp.status(), 200, "{path} is embedded");
        let ty = resp.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .to_string();
        let expected = if path.ends_with(".js") {
            "text/javascript; charset=utf-8"
        } else if path.ends_with(".css") {
            "text/css; charset=utf-8"
        } else {
            ty.as_str()
        };
        assert_eq!(ty, expected, "{path} has its content type");
        assert!(
            resp.headers()["cache-control"]
                .to_str()
                .unwrap_or("")
                .contains("immutable"),
            "{path} is content-hashed and cached for good"
        );
        assets += 1;
    }
    assert_eq!(
        assets > 0,
        built,
        "the page names the built assets exactly when web/dist was built: {page}"
    );

    for path in ["/api/v1/no/such/route", "/api/nothing"] {
        let resp = s
            .client
            .get(format!("{}{}", origin(&s), path))
            .header(
                journal_protocol::PROTOCOL_HEADER,
                journal_protocol::PROTOCOL_VERSION.to_string(),
            )
            .send()
            .await
            .expect("the request reaches the server");
        assert_eq!(resp.status(), 404, "{path} is not the console");
        let body: Value = resp.json().await.expect("an API error is JSON");
        assert_eq!(body["code"], "not_found", "{path}: {body}");
    }

    let post = s
        .client
        .post(format!("{}/users", origin(&s)))
        .send()
        .await
        .expect("the request reaches the server");
    assert_eq!(post.status(), 405, "the console's files are only read");
}
