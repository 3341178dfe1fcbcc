//! The SQL shared by every variation statement: bind placeholders in each
//! backend's syntax, the joins from a rating to its walk, and the filter.

use sea_orm::{DatabaseBackend, Statement, Value};

use super::Selection;
use crate::auth::Scope;

/// Walk states whose ratings count: submitted, and everything after it.
pub(super) const COUNTED_STATES: &str = "('submitted', 'debriefed', 'closed')";

/// A statement being written, with its bound values.
pub(super) struct Sql {
    backend: DatabaseBackend,
    values: Vec<Value>,
}

impl Sql {
    pub(super) fn new(backend: DatabaseBackend) -> Sql {
        Sql {
            backend,
            values: Vec::new(),
        }
    }

    /// Binds `value` and returns its placeholder.
    pub(super) fn bind(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        match self.backend {
            DatabaseBackend::Postgres => format!("${}", self.values.len()),
            _ => "?".to_owned(),
        }
    }

    /// Binds every value as a parenthesised list.
    fn bind_list<V: Into<Value> + Clone>(&mut self, values: &[V]) -> String {
        let marks: Vec<String> = values.iter().map(|v| self.bind(v.clone())).collect();
        format!("({})", marks.join(", "))
    }

    pub(super) fn statement(self, text: String) -> Statement {
        Statement::from_sql_and_values(self.backend, text, self.values)
    }

    /// The walk's academic year, named by the calendar year it starts in.
    pub(super) fn academic_year(&self) -> String {
        format!(
            "({} - CASE WHEN {} < 9 THEN 1 ELSE 0 END)",
            self.date_part("%Y", "YEAR"),
            self.date_part("%m", "MONTH")
        )
    }

    /// The walk's term: 1 autumn (Sep–Dec), 2 spring (Jan–Mar), 3 summer.
    pub(super) fn term(&self) -> String {
        let month = self.date_part("%m", "MONTH");
        format!("(CASE WHEN {month} >= 9 THEN 1 WHEN {month} <= 3 THEN 2 ELSE 3 END)")
    }

    fn date_part(&self, sqlite: &str, postgres: &str) -> String {
        match self.backend {
            DatabaseBackend::Postgres => {
                format!("CAST(EXTRACT({postgres} FROM w.walk_date) AS INTEGER)")
            }
            _ => format!("CAST(strftime('{sqlite}', w.walk_date) AS INTEGER)"),
        }
    }

    /// The joins from ratings `r` to visits `v`, walks `w` and, when
    /// `indicators`, indicators `i` and focus areas `fa`.
    pub(super) fn joins(indicators: bool) -> &'static str {
        if indicators {
            "JOIN visits v ON v.trust_id = r.trust_id AND v.id = r.visit_id \
             JOIN walks w ON w.trust_id = v.trust_id AND w.id = v.walk_id \
             JOIN indicators i ON i.trust_id = r.trust_id AND i.id = r.indicator_id \
             JOIN focus_areas fa ON fa.trust_id = i.trust_id AND fa.id = i.focus_area_id"
        } else {
            "JOIN visits v ON v.trust_id = r.trust_id AND v.id = r.visit_id \
             JOIN walks w ON w.trust_id = v.trust_id AND w.id = v.walk_id"
        }
    }

    /// `WHERE` conditions for the scope's trust and the selection, on
    /// ratings `r` and the aliases of [`Sql::joins`].
    pub(super) fn conditions(&mut self, scope: &Scope, selection: &Selection) -> String {
        let mut parts = vec![
            format!("w.trust_id = {}", self.bind(scope.trust.clone())),
            format!("w.protocol_id IN {}", self.bind_list(&selection.protocols)),
            format!("w.status IN {COUNTED_STATES}"),
        ];
        if let Some(from) = selection.from {
            parts.push(format!("w.walk_date >= {}", self.bind(from)));
        }
        if let Some(to) = selection.to {
            parts.push(format!("w.walk_date <= {}", self.bind(to)));
        }
        if let Some(lens) = &selection.lens {
            parts.push(format!("fa.lens = {}", self.bind(lens.clone())));
        }
        if let Some(key) = &selection.focus_area {
            parts.push(format!("fa.key = {}", self.bind(key.clone())));
        }
        let lists = [
            ("i.code", &selection.indicator_codes),
            ("v.subject", &selection.subjects),
            ("v.key_stage", &selection.key_stages),
        ];
        for (column, values) in lists {
            if !values.is_empty() {
                parts.push(format!("{column} IN {}", self.bind_list(values)));
            }
        }
        if let Some(urns) = &selection.schools {
            parts.push(format!("w.school_urn IN {}", self.bind_list(urns)));
        }
        parts.join(" AND ")
    }
}
