//! The SQL shared by every variation statement: bind placeholders in each
//! backend's syntax, the joins from a rating to its walk, and the filter.

use sea_orm::{DatabaseBackend, Statement, Value};

use super::Selection;
use crate::auth::Scope;

/// A rating's place in the arrays of `i` (see [`Sql::lead_ratings`]).
const AT: &str = "array_position((SELECT id FROM i), r.indicator_id)";

/// Walk states whose ratings count: submitted, and everything after it.
pub(super) const COUNTED_STATES: &str = "('submitted', 'debriefed', 'closed')";

/// A statement being written, with its bound values.
pub(super) struct Sql {
    backend: DatabaseBackend,
    values: Vec<Value>,
    /// Indicator attributes are read from the arrays of `i` (see
    /// [`Sql::lead_ratings`]) instead of joined tables `i` and `fa`.
    indicator_arrays: bool,
}

impl Sql {
    pub(super) fn new(backend: DatabaseBackend) -> Sql {
        Sql {
            backend,
            values: Vec::new(),
            indicator_arrays: false,
        }
    }

    /// A statement for [`Sql::lead_ratings`] that reads indicators when
    /// `indicators`: on PostgreSQL, as arrays.
    pub(super) fn for_lead_ratings(backend: DatabaseBackend, indicators: bool) -> Sql {
        Sql {
            indicator_arrays: indicators && backend == DatabaseBackend::Postgres,
            ..Sql::new(backend)
        }
    }

    /// A rating's indicator `code`, focus area `key` or `lens`.
    pub(super) fn indicator(&self, attribute: &str) -> String {
        match (self.indicator_arrays, attribute) {
            (true, _) => format!("(SELECT {attribute} FROM i)[{AT}]"),
            (false, "code") => "i.code".to_owned(),
            (false, _) => format!("fa.{attribute}"),
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

    /// The walk lead's ratings of the selection, for the counts statement:
    /// a `WITH` clause, the `FROM … WHERE …` that follows the select list
    /// (binding in the order of the text), and the secure threshold's
    /// column.
    ///
    /// On PostgreSQL the selected walks (with their protocol's threshold
    /// and lead) and, when `indicators`, the selected versions' indicators
    /// (`i`, one row of arrays) are read once each into materialised
    /// tables; only then are visits and ratings read, by index, from the
    /// walks. Joined
    /// as plain tables, PostgreSQL underestimates every step (each key
    /// repeats the trust) and looked an indicator, focus area, protocol
    /// and team up again for every rating: 8 to 11 buffers a rating
    /// instead of about 2.
    pub(super) fn lead_ratings(
        &mut self,
        scope: &Scope,
        selection: &Selection,
        indicators: bool,
    ) -> (String, String, &'static str) {
        if self.backend != DatabaseBackend::Postgres {
            // SQLite plans the plain joins well and the materialised walks
            // badly (three years by term went from 74 ms to timing out).
            return (
                String::new(),
                self.plain_lead_ratings(scope, selection, indicators),
                "p.secure_threshold",
            );
        }
        let trust = self.bind(scope.trust.clone());
        let protocols = self.bind_list(&selection.protocols);
        let walks = self.walk_conditions(scope, selection);
        let mut with = format!(
            "WITH p AS MATERIALIZED (SELECT id, secure_threshold FROM protocols \
               WHERE trust_id = {trust} AND id IN {protocols}), \
             w AS MATERIALIZED (SELECT w.trust_id, w.id, w.school_urn, w.walk_date, \
               p.secure_threshold, wo.observer_id AS lead_id FROM walks w \
               JOIN p ON p.id = w.protocol_id \
               JOIN walk_observers wo ON wo.trust_id = w.trust_id AND wo.walk_id = w.id \
                 AND wo.role = 'lead' \
               WHERE {walks})"
        );
        let mut from = "FROM w JOIN visits v ON v.trust_id = w.trust_id AND v.walk_id = w.id \
             JOIN ratings r ON r.trust_id = v.trust_id AND r.visit_id = v.id \
               AND r.observer_id = w.lead_id"
            .to_owned();
        // The selected versions' indicators, with their focus area's key and
        // lens, as one row of arrays: a rating finds its indicator by its
        // place in `id`. Joined as a table, the planner (expecting a handful
        // of ratings) compared each rating with every indicator and focus
        // area, which cost as much as reading the ratings (docs/plans.md).
        // PostgreSQL's numbered placeholders may repeat: the trust and the
        // versions are bound once.
        if indicators {
            with.push_str(&format!(
                ", i AS MATERIALIZED (SELECT array_agg(i.id) AS id, array_agg(i.code) AS code, \
                   array_agg(fa.key) AS key, array_agg(fa.lens) AS lens \
                   FROM indicators i JOIN focus_areas fa ON fa.trust_id = i.trust_id \
                     AND fa.id = i.focus_area_id \
                   WHERE i.trust_id = {trust} AND i.protocol_id IN {protocols})"
            ));
        }
        let mut conditions = self.indicator_conditions(selection);
        if indicators {
            // As the join did, leave out a rating of another version's indicator.
            conditions.push(format!("{AT} IS NOT NULL"));
        }
        conditions.extend(self.visit_conditions(selection));
        if !conditions.is_empty() {
            from.push_str(&format!(" WHERE {}", conditions.join(" AND ")));
        }
        (with, from, "w.secure_threshold")
    }

    /// [`Sql::lead_ratings`]'s `FROM … WHERE …` as plain joins, for SQLite.
    fn plain_lead_ratings(
        &mut self,
        scope: &Scope,
        selection: &Selection,
        indicators: bool,
    ) -> String {
        let joins = Sql::joins(indicators);
        let conditions = self.conditions(scope, selection);
        format!(
            "FROM ratings r {joins} \
             JOIN protocols p ON p.trust_id = w.trust_id AND p.id = w.protocol_id \
             JOIN walk_observers wo ON wo.trust_id = w.trust_id AND wo.walk_id = w.id \
               AND wo.observer_id = r.observer_id \
             WHERE {conditions} AND wo.role = 'lead'"
        )
    }

    /// `WHERE` conditions for the scope's trust and the selection, on
    /// ratings `r` and the aliases of [`Sql::joins`].
    pub(super) fn conditions(&mut self, scope: &Scope, selection: &Selection) -> String {
        let mut parts = vec![self.walk_conditions(scope, selection)];
        parts.extend(self.indicator_conditions(selection));
        parts.extend(self.visit_conditions(selection));
        parts.join(" AND ")
    }

    /// Conditions on walks `w`: the trust, protocol versions, counted
    /// states, dates and schools.
    pub(super) fn walk_conditions(&mut self, scope: &Scope, selection: &Selection) -> String {
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
        if let Some(urns) = &selection.schools {
            parts.push(format!("w.school_urn IN {}", self.bind_list(urns)));
        }
        parts.join(" AND ")
    }

    /// Conditions on indicators `i` and focus areas `fa`, if any.
    pub(super) fn indicator_conditions(&mut self, selection: &Selection) -> Vec<String> {
        let mut parts = Vec::new();
        if let Some(lens) = &selection.lens {
            let lens = self.bind(lens.clone());
            parts.push(format!("{} = {lens}", self.indicator("lens")));
        }
        if let Some(key) = &selection.focus_area {
            let key = self.bind(key.clone());
            parts.push(format!("{} = {key}", self.indicator("key")));
        }
        if !selection.indicator_codes.is_empty() {
            let codes = self.bind_list(&selection.indicator_codes);
            parts.push(format!("{} IN {codes}", self.indicator("code")));
        }
        parts
    }

    /// Conditions on visits `v`, if any.
    pub(super) fn visit_conditions(&mut self, selection: &Selection) -> Vec<String> {
        let mut parts = Vec::new();
        let lists = [
            ("v.subject", &selection.subjects),
            ("v.key_stage", &selection.key_stages),
        ];
        for (column, values) in lists {
            if !values.is_empty() {
                parts.push(format!("{column} IN {}", self.bind_list(values)));
            }
        }
        parts
    }
}
