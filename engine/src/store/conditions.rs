//! A `where` clause made of only the filters a caller gave. `$1 is null or column = $1`
//! would read the same in one query text, but it hides the column's index from the query
//! planner, so a filter on a long table would read all of it; here each given filter is a
//! plain condition its index can answer, and an absent one is not there at all.

/// A value bound to one condition.
#[derive(Debug, Clone)]
pub(super) enum Bound {
    Text(String),
    Number(i64),
}

/// The conditions so far and their values, numbered `$1`, `$2`, ... in order.
#[derive(Debug, Default)]
pub(super) struct Conditions {
    clauses: Vec<String>,
    pub values: Vec<Bound>,
}

impl Conditions {
    /// Adds `condition $n` (e.g. `"actor ="`) with its value, when there is one.
    pub fn add(&mut self, condition: &str, value: Option<Bound>) {
        if let Some(value) = value {
            self.values.push(value);
            self.clauses
                .push(format!("{condition} ${}", self.values.len()));
        }
    }

    pub fn text(&mut self, condition: &str, value: Option<&str>) {
        self.add(condition, value.map(|text| Bound::Text(text.to_owned())));
    }

    pub fn number(&mut self, condition: &str, value: Option<i64>) {
        self.add(condition, value.map(Bound::Number));
    }

    /// `where a and b`, or nothing when no filter was given.
    pub fn clause(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("where {}", self.clauses.join(" and "))
        }
    }
}

/// `limit n`, written into the statement rather than bound to it. SQLite plans a statement
/// again at every run when its `limit` is a bound parameter (the planner uses the value), so
/// a bound limit cost each page a parse and a plan. `n` is a number, so no text reaches SQL.
pub(crate) fn limit(n: i64) -> String {
    format!("limit {}", n.max(0))
}

/// `$first, $first+1, ...`: `count` numbered placeholders, for an `in (...)` list.
pub(super) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Binds every value of `$conditions` to `$query`, in order.
macro_rules! bind_conditions {
    ($query:expr, $conditions:expr) => {{
        let mut query = $query;
        for value in &$conditions.values {
            query = match value {
                $crate::store::conditions::Bound::Text(text) => query.bind(text.clone()),
                $crate::store::conditions::Bound::Number(number) => query.bind(*number),
            };
        }
        query
    }};
}
pub(super) use bind_conditions;

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn placeholders_are_numbered_from_the_first() {
        assert_eq!(placeholders(1, 3), "$1, $2, $3");
        assert_eq!(placeholders(2, 1), "$2");
        assert_eq!(placeholders(1, 0), "");
    }
}
