//! The WebAssembly bundle a page loads to become interactive, named by content.
//!
//! The build splits the bundle (`cargo leptos build --split`): a main module with its JS
//! glue, and the chunks of the lazily loaded areas of pages (see `pages::lazy`), which a
//! small loader script fetches on demand.
//! The loader imports the main JS module by its content-named file, so pages must load that
//! very file: a module loaded under two addresses runs twice, and a chunk would then be
//! bound to the copy that never hydrated. The server finds the names in the site it
//! carries and hands them to [`crate::shell`].

use std::collections::HashMap;

use leptos::{prelude::*, WasmSplitManifest};

/// Where the site's built files are served from.
pub const PKG_PATH: &str = "/pkg";

/// The content-named files of one build of the bundle.
#[derive(Clone, Debug)]
pub struct BrowserBundle {
    /// The main module's JS glue, e.g. `nixdeck.<hash>.js`.
    js: String,
    /// The main WebAssembly module, e.g. `nixdeck.<hash>.wasm`.
    wasm: String,
    /// When the build was split: its loader and, for each lazily loaded function, the
    /// chunks it needs. Built once, shared by every page rendered.
    split: Option<WasmSplitManifest>,
}

impl BrowserBundle {
    /// A bundle of one module, `js` and `wasm` being file names under [`PKG_PATH`].
    pub fn new(js: impl Into<String>, wasm: impl Into<String>) -> Self {
        Self {
            js: js.into(),
            wasm: wasm.into(),
            split: None,
        }
    }

    /// The bundle split into chunks: `loader` is the loader script's file name, `chunks`
    /// the split's manifest (lazily loaded function → the chunks it needs, named without
    /// `.wasm`). A page rendered on the server names the chunks of the routes it rendered,
    /// so the browser fetches them beside the main module instead of after it.
    pub fn split(self, loader: impl Into<String>, chunks: HashMap<String, Vec<String>>) -> Self {
        Self {
            split: Some(WasmSplitManifest(ArcStoredValue::new((
                PKG_PATH.to_owned(),
                chunks,
                loader.into(),
            )))),
            ..self
        }
    }
}

/// Preloads the bundle and starts hydration once it is compiled. The inline module script
/// carries the response's nonce, the only inline script the Content-Security-Policy allows.
#[component]
pub fn BundleScripts(bundle: BrowserBundle) -> impl IntoView {
    // Read by the server integration once the page is rendered: it then adds preload
    // links for the chunks of the lazy routes the page rendered.
    if let Some(split) = bundle.split {
        provide_context(split);
    }
    let js = format!("{PKG_PATH}/{}", bundle.js);
    let wasm = format!("{PKG_PATH}/{}", bundle.wasm);
    // Both names are the build's own file names (letters, digits, `.`, `_`, `-`); JSON
    // quoting, with `<` escaped so no name could end the script element, keeps the script
    // well formed whatever they hold.
    let start = format!(
        "import init, {{ hydrate }} from {js};\ninit({{ module_or_path: {wasm} }}).then(() => hydrate());",
        js = quoted(&js),
        wasm = quoted(&wasm),
    );
    let nonce = leptos::nonce::use_nonce();
    view! {
        <link rel="modulepreload" href=js />
        <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin="anonymous" />
        <script type="module" nonce=nonce>{start}</script>
    }
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text)
        .unwrap_or_else(|_| "\"\"".to_owned())
        .replace('<', "\\u003c")
}
