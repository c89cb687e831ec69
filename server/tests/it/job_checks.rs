//! What every fault test checks afterwards: the `nixops` commands of one deployment never
//! ran at the same time, and every line the commands printed is in the job's log once.

use std::collections::HashMap;

use serde_json::Value;
use testkit::deployer::Deployer;

/// The recorded `nixops` calls of `deployment` never overlap: each ended (its exit is
/// recorded) before the next one started. A call without a recorded exit (killed outright)
/// counts as never ending, so no call may follow it.
pub fn assert_calls_never_overlap(deployer: &Deployer, deployment: &str) {
    assert_calls_never_overlap_given(deployer, deployment, &[]);
}

/// The same, where `gone` says by when a process killed outright (which records no exit)
/// was seen gone: (pid, seconds since the epoch).
pub fn assert_calls_never_overlap_given(
    deployer: &Deployer,
    deployment: &str,
    gone: &[(i64, f64)],
) {
    let mut ends: HashMap<i64, f64> = deployer
        .exits()
        .iter()
        .filter_map(|exit| Some((exit["pid"].as_i64()?, exit["time"].as_f64()?)))
        .collect();
    ends.extend(gone.iter().copied());
    let mut spans: Vec<(f64, f64, String)> = deployer
        .calls()
        .iter()
        .filter(|call| call["nixops_deployment"] == deployment)
        .map(|call| {
            let start = call["time"].as_f64().expect("start time");
            let end = call["pid"]
                .as_i64()
                .and_then(|pid| ends.get(&pid).copied())
                .unwrap_or(f64::INFINITY);
            (start, end, argv(call))
        })
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    for pair in spans.windows(2) {
        assert!(
            pair[0].1 <= pair[1].0,
            "`nixops {}` was still running when `nixops {}` started",
            pair[0].2,
            pair[1].2
        );
    }
}

fn argv(call: &Value) -> String {
    call["argv"]
        .as_array()
        .map(|words| {
            words
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

/// Every `line K of TOTAL` the stand-in printed is in the log exactly `times` times (once
/// per deploy pass that printed them), in order within each pass.
pub fn assert_every_line_once(log: &str, total: usize, times: usize) {
    let mut seen = vec![0usize; total + 1];
    let mut last = 0;
    for line in log.lines() {
        let Some(rest) = line.strip_prefix("line ") else {
            continue;
        };
        let Some((k, _)) = rest.split_once(" of ") else {
            continue;
        };
        let k: usize = k.parse().expect("line number");
        assert!(
            k == last + 1 || (k == 1 && last == total),
            "line {k} after line {last}"
        );
        last = k;
        seen[k] += 1;
    }
    for (k, count) in seen.iter().enumerate().skip(1) {
        assert_eq!(*count, times, "line {k} is in the log {count} times");
    }
}
