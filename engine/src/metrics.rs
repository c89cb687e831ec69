//! What nixdeck measures while it works, for Prometheus. What the engine sees happen (how
//! long jobs, steps and AWS calls take, how many log lines it stores) is counted here as it
//! happens; what the database already knows (jobs by kind and state, the queue, audit
//! events) is read when scraped (`refresh`), so every replica reports the same shared state.
//! Labels are kinds, states, AWS services and operations only: never a person, a secret or
//! a cluster's arguments.

use std::sync::atomic::AtomicU64;

use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{exponential_buckets, Histogram},
    },
    registry::{Registry, Unit},
};

use crate::{
    cloud::CloudError,
    model::job::{JobKind, JobState, StepState, BUILDER_HOST},
    store::{builder_probes, now_millis, scrape, Store, StoreError},
};

/// A job's or a step's kind and how it ended.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Outcome {
    pub kind: String,
    pub state: String,
}

/// One AWS operation.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct AwsCall {
    pub service: String,
    pub operation: String,
}

/// One AWS operation that gave no answer, and why (`timeout`, `unreachable`, `refused`).
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct AwsFailure {
    pub service: String,
    pub operation: String,
    pub error: String,
}

/// A host nixdeck probes.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Probed {
    pub host: String,
}

type Timings<L> = Family<L, Histogram, fn() -> Histogram>;

/// 1 s to about 2 h 16 min: a deploy pass of a large cluster takes an hour.
fn job_buckets() -> Histogram {
    Histogram::new(exponential_buckets(1.0, 2.0, 14))
}

/// 5 ms to about 164 s: an AWS call, retries included, is cut off at its timeout.
fn aws_buckets() -> Histogram {
    Histogram::new(exponential_buckets(0.005, 2.0, 16))
}

/// The engine's measurements; cheap to clone (every metric is shared).
#[derive(Debug, Clone)]
pub struct Metrics {
    job_duration: Timings<Outcome>,
    step_duration: Timings<Outcome>,
    log_lines: Counter,
    aws_duration: Timings<AwsCall>,
    aws_failures: Family<AwsFailure, Counter>,
    jobs: Family<Outcome, Gauge>,
    queue_depth: Gauge,
    queue_oldest_age: Gauge<f64, AtomicU64>,
    audit_events: Counter,
    log_viewers: Gauge,
    reachable: Family<Probed, Gauge>,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics {
            job_duration: Family::new_with_constructor(job_buckets as fn() -> Histogram),
            step_duration: Family::new_with_constructor(job_buckets as fn() -> Histogram),
            log_lines: Counter::default(),
            aws_duration: Family::new_with_constructor(aws_buckets as fn() -> Histogram),
            aws_failures: Family::default(),
            jobs: Family::default(),
            queue_depth: Gauge::default(),
            queue_oldest_age: Gauge::default(),
            audit_events: Counter::default(),
            log_viewers: Gauge::default(),
            reachable: Family::default(),
        }
    }
}

impl Metrics {
    /// Adds every metric to `registry` (which gives them the `nixdeck_` prefix).
    pub fn register(&self, registry: &mut Registry) {
        registry.register_with_unit(
            "job_duration",
            "How long jobs ran, from start to end, by kind and final state",
            Unit::Seconds,
            self.job_duration.clone(),
        );
        registry.register_with_unit(
            "job_step_duration",
            "How long job steps ran, by the job's kind and the step's final state",
            Unit::Seconds,
            self.step_duration.clone(),
        );
        registry.register(
            "job_log_lines",
            "Job log lines stored by this process",
            self.log_lines.clone(),
        );
        registry.register_with_unit(
            "aws_call_duration",
            "How long AWS calls took, retries included, by service and operation",
            Unit::Seconds,
            self.aws_duration.clone(),
        );
        registry.register(
            "aws_call_errors",
            "AWS calls that gave no answer, by service, operation and error",
            self.aws_failures.clone(),
        );
        registry.register(
            "jobs",
            "Jobs in the database, by kind and state",
            self.jobs.clone(),
        );
        registry.register(
            "queue_depth",
            "Jobs queued and waiting for a worker",
            self.queue_depth.clone(),
        );
        registry.register_with_unit(
            "queue_oldest_age",
            "How long the oldest queued job has waited (0 when none waits)",
            Unit::Seconds,
            self.queue_oldest_age.clone(),
        );
        registry.register(
            "audit_events",
            "Audit events written (the audit chain's length)",
            self.audit_events.clone(),
        );
        registry.register(
            "log_viewers",
            "Live job log streams open on this process",
            self.log_viewers.clone(),
        );
        registry.register(
            "host_reachable",
            "Whether the newest probe of a host reached it (1) or not (0)",
            self.reachable.clone(),
        );
    }

    /// A job ended after running for `seconds`.
    pub fn job_finished(&self, kind: JobKind, state: JobState, seconds: f64) {
        self.job_duration
            .get_or_create(&outcome(kind.as_str(), state.as_str()))
            .observe(seconds);
    }

    /// A step of a job of `kind` ended after running for `seconds`.
    pub fn step_ended(&self, kind: JobKind, state: StepState, seconds: f64) {
        self.step_duration
            .get_or_create(&outcome(kind.as_str(), state.as_str()))
            .observe(seconds);
    }

    /// `lines` log lines were stored.
    pub fn log_lines_stored(&self, lines: u64) {
        self.log_lines.inc_by(lines);
    }

    /// An AWS call took `seconds` and answered, or failed with `error`.
    pub fn aws_call(
        &self,
        service: &str,
        operation: &str,
        seconds: f64,
        error: Option<&CloudError>,
    ) {
        self.aws_duration
            .get_or_create(&AwsCall {
                service: service.to_owned(),
                operation: operation.to_owned(),
            })
            .observe(seconds);
        if let Some(error) = error {
            let error = match error {
                CloudError::Timeout(_) => "timeout",
                CloudError::Unreachable(_) => "unreachable",
                CloudError::Refused { .. } => "refused",
            };
            self.aws_failures
                .get_or_create(&AwsFailure {
                    service: service.to_owned(),
                    operation: operation.to_owned(),
                    error: error.to_owned(),
                })
                .inc();
        }
    }

    /// Reads what the database knows (and the builder's newest probe, when there is a
    /// builder), and this process's open log streams, into the metrics: called just before
    /// they are encoded.
    pub async fn refresh(
        &self,
        store: &Store,
        log_viewers: usize,
        builder: bool,
    ) -> Result<(), StoreError> {
        if builder {
            if let (Some(newest), _) = builder_probes::latest(store).await? {
                self.reachable
                    .get_or_create(&Probed {
                        host: BUILDER_HOST.to_owned(),
                    })
                    .set(i64::from(newest.reachable));
            }
        }
        let counts = scrape::job_counts(store).await?;
        let (depth, oldest) = scrape::queue(store).await?;
        let written = scrape::audit_events_written(store).await?;
        // States no job is in any more disappear instead of staying at their last count.
        self.jobs.clear();
        for (kind, state, count) in counts {
            self.jobs
                .get_or_create(&outcome(kind.as_str(), state.as_str()))
                .set(count);
        }
        self.queue_depth.set(depth);
        let waited = oldest.map_or(0, |created_at| (now_millis() - created_at).max(0));
        self.queue_oldest_age.set(waited as f64 / 1000.0);
        // A counter only rises: it catches up with the chain (another replica may have
        // written, and a restart starts it from zero).
        let seen = self.audit_events.get();
        let written = u64::try_from(written).unwrap_or(0);
        if written > seen {
            self.audit_events.inc_by(written - seen);
        }
        self.log_viewers
            .set(i64::try_from(log_viewers).unwrap_or(i64::MAX));
        Ok(())
    }
}

fn outcome(kind: &str, state: &str) -> Outcome {
    Outcome {
        kind: kind.to_owned(),
        state: state.to_owned(),
    }
}
