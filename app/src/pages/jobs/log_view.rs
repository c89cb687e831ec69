//! A job's log: lines with their ANSI colours, stderr marked, and (in the browser) the
//! live lines appended as they arrive over Server-Sent Events, the view following the tail
//! unless the person turns that off.

use engine::model::{
    ansi,
    job::{LogLine, Stream},
};
use leptos::{html, prelude::*};

/// Tailwind classes for the 16 ANSI colours, readable on the log's dark background.
const COLOURS: [&str; 16] = [
    "text-slate-400",
    "text-red-400",
    "text-emerald-400",
    "text-amber-300",
    "text-sky-400",
    "text-fuchsia-400",
    "text-cyan-300",
    "text-slate-200",
    "text-slate-500",
    "text-red-300",
    "text-emerald-300",
    "text-amber-200",
    "text-sky-300",
    "text-fuchsia-300",
    "text-cyan-200",
    "text-white",
];

#[component]
pub fn LogView(
    /// The lines so far (the page appends live ones).
    lines: ReadSignal<Vec<LogLine>>,
) -> impl IntoView {
    let follow = RwSignal::new(true);
    let container = NodeRef::<html::Div>::new();
    // Keep the newest line in view while following.
    Effect::new(move |_| {
        lines.track();
        if follow.get() {
            if let Some(element) = container.get() {
                element.set_scroll_top(element.scroll_height());
            }
        }
    });
    view! {
        <div class="mb-2 flex items-center justify-between">
            <h2 class="text-sm font-semibold">"Log"</h2>
            <label class="flex items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
                <input type="checkbox" prop:checked=move || follow.get() on:change=move |_| follow.update(|f| *f = !*f) />
                "Follow the tail"
            </label>
        </div>
        <div
            node_ref=container
            class="max-h-[32rem] overflow-auto rounded-lg bg-slate-950 p-3 font-mono text-xs leading-5 text-slate-200"
            data-testid="job-log"
            role="log"
            aria-live="polite"
        >
            <For each=move || lines.get() key=|line| line.seq let:line>
                <LogLineView line />
            </For>
        </div>
    }
}

#[component]
fn LogLineView(line: LogLine) -> impl IntoView {
    let class = match line.stream {
        Stream::Stdout | Stream::Stderr => "whitespace-pre-wrap break-all",
        Stream::System => "whitespace-pre-wrap break-all font-semibold text-indigo-300",
        Stream::Step => "mt-2 whitespace-pre-wrap break-all font-semibold text-white",
    };
    let text = if line.stream == Stream::Step {
        format!("▶ {}", line.text)
    } else {
        line.text
    };
    let segments = ansi::segments(&text);
    view! {
        <div class=class data-seq=line.seq data-stream=line.stream.as_str()>
            {segments.into_iter().map(|segment| {
                let mut class = segment
                    .colour
                    .and_then(|c| COLOURS.get(usize::from(c)).copied())
                    .unwrap_or("")
                    .to_owned();
                if segment.bold {
                    class.push_str(" font-bold");
                }
                view! { <span class=class>{segment.text}</span> }
            }).collect_view()}
        </div>
    }
}
