//! A job's log as Server-Sent Events, framed for many fast lines: one event per line (its
//! `id` is the line's sequence number), but every event that is ready is written in one
//! body chunk, so a viewer catching up or following a chatty job costs one write per
//! batch rather than one per line. A comment line keeps an idle connection open.

use std::{
    fmt::Write as _,
    pin::Pin,
    task::{Context, Poll},
    time::Duration,
};

use bytes::Bytes;
use engine::model::job::JobState;
use engine::{
    commands::LogStream,
    jobs::{LogEvent, ViewerSlot},
};
use serde::Serialize;
use tokio::sync::mpsc;
use tokio_stream::Stream;

/// Events written in one chunk at most (bounds a chunk's size).
const MAX_BATCH: usize = 2048;
/// How long an idle stream waits before it sends a keep-alive comment.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

pub struct EventFrames {
    events: mpsc::Receiver<LogEvent>,
    /// The viewer's place among their open streams, given back when the stream ends or the
    /// client goes away (the body is dropped).
    _slot: ViewerSlot,
    keep_alive: tokio::time::Interval,
    ended: bool,
}

impl EventFrames {
    pub fn new(stream: LogStream) -> EventFrames {
        let LogStream { events, slot } = stream;
        let mut keep_alive = tokio::time::interval(KEEP_ALIVE);
        keep_alive.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        keep_alive.reset();
        EventFrames {
            events,
            _slot: slot,
            keep_alive,
            ended: false,
        }
    }
}

/// The `end` event's data.
#[derive(Serialize)]
struct JobEnd {
    state: JobState,
}

/// One event in the SSE wire format.
pub fn render(event: &LogEvent, out: &mut String) {
    match event {
        LogEvent::Line(line) => {
            let data = serde_json::to_string(line).unwrap_or_default();
            let _ = write!(out, "id: {}\nevent: line\ndata: {data}\n\n", line.seq);
        }
        LogEvent::End(state) => {
            let data = serde_json::to_string(&JobEnd { state: *state }).unwrap_or_default();
            let _ = write!(out, "event: end\ndata: {data}\n\n");
        }
        LogEvent::Restart => {
            // The browser reconnects by itself when the stream ends, sending the last id.
            let _ = write!(out, "event: restart\ndata: {{}}\n\n");
        }
    }
}

impl Stream for EventFrames {
    type Item = Result<Bytes, std::convert::Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.ended {
            return Poll::Ready(None);
        }
        let first = match self.events.poll_recv(cx) {
            Poll::Ready(Some(event)) => event,
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => {
                return match self.keep_alive.poll_tick(cx) {
                    Poll::Ready(_) => {
                        Poll::Ready(Some(Ok(Bytes::from_static(b": keep-alive\n\n"))))
                    }
                    Poll::Pending => Poll::Pending,
                };
            }
        };
        let mut out = String::new();
        let mut next = Some(first);
        let mut count = 0;
        while let Some(event) = next.take() {
            render(&event, &mut out);
            if matches!(event, LogEvent::End(_) | LogEvent::Restart) {
                self.ended = true;
                break;
            }
            count += 1;
            if count < MAX_BATCH {
                next = self.events.try_recv().ok();
            }
        }
        self.keep_alive.reset();
        Poll::Ready(Some(Ok(Bytes::from(out))))
    }
}
