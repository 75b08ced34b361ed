//! Points `include_dir!` at the console's build (`web/dist`, made by `make ui`). Without it the
//! server still builds, with a one-page console that says to run `make ui`, and cargo prints a
//! warning: engineers who only touch the server need no Node.js.

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dist = manifest.join("../../web/dist");
    println!("cargo:rerun-if-changed={}", dist.display());
    println!("cargo:rerun-if-changed=build.rs");
    let dir = if dist.join("index.html").is_file() {
        dist
    } else {
        println!(
            "cargo:warning=web/dist is missing: the administrator's console is not embedded; run `make ui` and build again"
        );
        let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("web-missing");
        if let Err(e) = std::fs::create_dir_all(&out)
            .and_then(|_| std::fs::write(out.join("index.html"), MISSING_PAGE))
        {
            panic!("cannot write the placeholder console page into OUT_DIR: {e}");
        }
        out
    };
    println!("cargo:rustc-env=JOURNAL_WEB_DIST={}", dir.display());
}

const MISSING_PAGE: &str = r#"<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Консоль администратора не собрана</title></head>
<body><h1>Консоль администратора не собрана</h1>
<p>Сервер собран без веб-приложения (нет папки web/dist). Выполните <code>make ui</code> и соберите
journal-server заново.</p></body></html>
"#;
