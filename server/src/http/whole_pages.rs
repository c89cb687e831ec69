//! Pages go out in one piece when they are rendered quickly. The renderer streams a page in
//! order, and hyper writes out what it has each time the renderer waits (for the session, a
//! list, the cloud), so a page complete a millisecond later still cost a write per wait, each
//! waking the browser's end of the connection. Holding a page for a moment sends most of them
//! as one write, with a Content-Length. A page that takes longer sends what it has when the
//! hold ends and streams the rest, so a slow cloud call never keeps the page's head (its
//! styles and scripts) and navigation from the browser. Only pages are held: event streams,
//! logs, exports and files pass as they come.

use std::{pin::pin, time::Duration};

use axum::{
    body::Body,
    extract::Request,
    http::{header, HeaderMap},
    middleware::Next,
    response::Response,
};
use bytes::BytesMut;
use tokio_stream::StreamExt;

/// How long a page is held at most before its first part is sent. Short enough that nobody
/// could see it; long enough for a page whose data is in the database, even on a busy machine.
const HOLD: Duration = Duration::from_millis(50);

pub async fn whole_pages(request: Request, next: Next) -> Response {
    hold_page(next.run(request).await, HOLD).await
}

/// `response` itself unless it is a page; else the page, whole when it ends within `hold`,
/// otherwise what was rendered by then followed by the rest as it comes.
async fn hold_page(response: Response, hold: Duration) -> Response {
    if !is_page(response.headers()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let mut rest = body.into_data_stream();
    let mut page = BytesMut::new();
    let mut hold = pin!(tokio::time::sleep(hold));
    let failure = loop {
        tokio::select! {
            biased;
            part = rest.next() => match part {
                Some(Ok(part)) => page.extend_from_slice(&part),
                Some(Err(error)) => break Some(error),
                None => return Response::from_parts(parts, Body::from(page.freeze())),
            },
            () = &mut hold => break None,
        }
    };
    // Sent as the renderer's own stream would have been, error included (which ends the
    // response early, as before).
    let held = (!page.is_empty()).then(|| Ok(page.freeze()));
    let stream = tokio_stream::iter(held)
        .chain(tokio_stream::iter(failure.map(Err)))
        .chain(rest);
    Response::from_parts(parts, Body::from_stream(stream))
}

fn is_page(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"))
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use axum::body::HttpBody;
    use tokio::sync::oneshot;

    use super::*;

    fn response(content_type: &str, body: Body) -> Response {
        Response::builder()
            .header(header::CONTENT_TYPE, content_type)
            .body(body)
            .unwrap()
    }

    /// A body that hands out its parts with a pause (a scheduler turn) between them, as a
    /// renderer waiting on the database does.
    fn rendered(parts: &'static [&'static str]) -> Body {
        Body::from_stream(
            tokio_stream::iter(parts.iter().copied()).then(|part| async move {
                tokio::task::yield_now().await;
                Ok::<_, Infallible>(part)
            }),
        )
    }

    async fn text(body: Body) -> String {
        let mut parts = body.into_data_stream();
        let mut text = String::new();
        while let Some(part) = parts.next().await {
            text.push_str(std::str::from_utf8(&part.unwrap()).unwrap());
        }
        text
    }

    #[tokio::test]
    async fn a_page_that_ends_within_the_hold_is_sent_whole_with_its_length() {
        let page = response(
            "text/html; charset=utf-8",
            rendered(&["<html><head>", "<body>", "</body></html>"]),
        );
        let sent = hold_page(page, Duration::from_secs(60)).await;
        let expected = "<html><head><body></body></html>";
        assert_eq!(sent.body().size_hint().exact(), Some(expected.len() as u64));
        assert_eq!(text(sent.into_body()).await, expected);
    }

    #[tokio::test]
    async fn a_slow_page_sends_what_it_has_when_the_hold_ends_then_streams_the_rest() {
        let (finish, finished) = oneshot::channel::<&'static str>();
        let body = Body::from_stream(
            tokio_stream::iter(["<html><head>"])
                .chain(
                    tokio_stream::iter([finished]).then(|rest| async move { rest.await.unwrap() }),
                )
                .map(Ok::<_, Infallible>),
        );
        let sent = tokio::time::timeout(
            Duration::from_secs(30),
            hold_page(response("text/html", body), Duration::from_millis(10)),
        )
        .await
        .expect("the page is answered before it is complete");
        assert_eq!(sent.body().size_hint().exact(), None);
        let mut parts = sent.into_body().into_data_stream();
        assert_eq!(parts.next().await.unwrap().unwrap(), "<html><head>");
        finish.send("<body></body></html>").unwrap();
        assert_eq!(parts.next().await.unwrap().unwrap(), "<body></body></html>");
        assert!(parts.next().await.is_none());
    }

    #[tokio::test]
    async fn anything_but_a_page_passes_as_it_comes() {
        for content_type in ["text/event-stream", "text/plain; charset=utf-8", "text/csv"] {
            let sent = hold_page(
                response(content_type, rendered(&["data: 1\n\n"])),
                Duration::from_secs(60),
            )
            .await;
            // Still the stream it was: its length is unknown until it ends.
            assert_eq!(sent.body().size_hint().exact(), None, "{content_type}");
            assert_eq!(text(sent.into_body()).await, "data: 1\n\n");
        }
    }
}
