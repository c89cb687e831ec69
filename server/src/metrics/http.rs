//! Every HTTP request counted by route and status, and timed until its response begins. The
//! route is the pattern that matched (`/api/v1/clusters/{name}`), never the path asked for,
//! so a cluster's name, a job's id or a probing client's made-up paths never become labels.

use std::time::Instant;

use axum::{
    extract::{MatchedPath, Request, State},
    http::Method,
    middleware::Next,
    response::Response,
};
use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{
        counter::Counter,
        family::Family,
        histogram::{exponential_buckets, Histogram},
    },
    registry::{Registry, Unit},
};

/// The route a request matched, and how it was asked.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Route {
    pub method: String,
    pub route: String,
}

/// The same, with the response's status code.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Answered {
    pub method: String,
    pub route: String,
    pub status: String,
}

/// 1 ms to about 8 s.
fn latency_buckets() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 14))
}

/// The HTTP metrics; cheap to clone (every metric is shared).
#[derive(Debug, Clone)]
pub struct HttpMetrics {
    requests: Family<Answered, Counter>,
    latency: Family<Route, Histogram, fn() -> Histogram>,
}

impl Default for HttpMetrics {
    fn default() -> HttpMetrics {
        HttpMetrics {
            requests: Family::default(),
            latency: Family::new_with_constructor(latency_buckets as fn() -> Histogram),
        }
    }
}

impl HttpMetrics {
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route and status",
            self.requests.clone(),
        );
        registry.register_with_unit(
            "http_request_duration",
            "Time from a request's arrival to its response's head, by method and route",
            Unit::Seconds,
            self.latency.clone(),
        );
    }
}

/// Where a request went, as a label: its matched route, the site's files as one route, and
/// everything else as `unmatched`.
fn route_of(request: &Request) -> String {
    if let Some(matched) = request.extensions().get::<MatchedPath>() {
        return matched.as_str().to_owned();
    }
    if request.uri().path().starts_with("/pkg/") {
        return "/pkg/{file}".to_owned();
    }
    "unmatched".to_owned()
}

/// Methods nixdeck answers keep their name; any other is `other`.
fn method_of(method: &Method) -> String {
    match *method {
        Method::GET
        | Method::HEAD
        | Method::POST
        | Method::PUT
        | Method::PATCH
        | Method::DELETE => method.as_str().to_owned(),
        _ => "other".to_owned(),
    }
}

/// The middleware: counts and times the request.
pub async fn measure(State(metrics): State<HttpMetrics>, request: Request, next: Next) -> Response {
    let route = Route {
        method: method_of(request.method()),
        route: route_of(&request),
    };
    let started = Instant::now();
    let response = next.run(request).await;
    metrics
        .latency
        .get_or_create(&route)
        .observe(started.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&Answered {
            method: route.method,
            route: route.route,
            status: response.status().as_u16().to_string(),
        })
        .inc();
    response
}
