//! Rebuilds the release binary when the built site changes, so the WebAssembly, JS and CSS
//! embedded in it are always the ones just built (with `hash-files`, cargo-leptos builds the
//! site completely before the server). Debug builds read the site from disk instead and
//! need no rebuild.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("PROFILE").as_deref() == Ok("release") {
        println!("cargo:rerun-if-changed=../target/site");
    }
}
