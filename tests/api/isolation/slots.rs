//! Arguments that name a record ("slots"), told apart by name and type,
//! and plain valid values for every other argument.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::schema::{Schema, TypeRef};

/// What kind of identifier an argument takes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// A global id of this type (`walkId` → `Walk`).
    Id(String),
    /// A global id of any type (`node(id:)`).
    AnyId,
    Urn,
    Uid,
    /// A partner's id for a record of this type, when the input says.
    ExternalId(Option<String>),
    IdempotencyKey,
    ProtocolKey,
    ObserverReference,
    FocusAreaKey,
    IndicatorCode,
}

/// A place in a request that takes an identifier.
#[derive(Debug, Clone)]
pub struct Slot {
    /// Field, argument and input field names, e.g. `addVisit.input.walkId`.
    pub path: String,
    pub class: Class,
    pub required: bool,
    pub list: bool,
}

/// `walkId` → `Walk`, when the schema has that type.
fn kind_of(name: &str, schema: &Schema) -> Option<String> {
    let stem = name
        .strip_suffix("Ids")
        .or_else(|| name.strip_suffix("Id"))?;
    let mut chars = stem.chars();
    let kind: String = chars.next()?.to_uppercase().chain(chars).collect();
    schema.types.contains_key(&kind).then_some(kind)
}

/// The class of the argument or input field `name` of type `ty`, inside
/// the input type `parent` (for a field's own arguments, the type the
/// field returns).
pub fn classify(schema: &Schema, parent: &str, name: &str, ty: &TypeRef) -> Option<Class> {
    let lower = name.to_lowercase();
    match ty.named() {
        // A field's own `id` names what the field returns, unless that is
        // an interface such as `Node`.
        "ID" if name == "id" && schema.types.get(parent).is_some_and(|t| t.kind == "OBJECT") => {
            Some(Class::Id(parent.to_owned()))
        }
        "ID" => Some(kind_of(name, schema).map_or(Class::AnyId, Class::Id)),
        "Int" if lower.contains("urn") => Some(Class::Urn),
        "String" => match name {
            "uid" => Some(Class::Uid),
            "externalId" => {
                let kind = parent
                    .strip_prefix("Upsert")
                    .and_then(|p| p.strip_suffix("Input"));
                Some(Class::ExternalId(kind.map(str::to_owned)))
            }
            "idempotencyKey" => Some(Class::IdempotencyKey),
            "protocolKey" => Some(Class::ProtocolKey),
            "key" if parent.contains("Protocol") => Some(Class::ProtocolKey),
            "reference" | "observerReference" => Some(Class::ObserverReference),
            "focusArea" | "focusAreaKey" | "focusAreaKeys" => Some(Class::FocusAreaKey),
            "indicatorCode" | "indicatorCodes" => Some(Class::IndicatorCode),
            _ => None,
        },
        _ => None,
    }
}

/// Optional plain arguments given anyway: a rating's outcome defaults to
/// a level, which then must be given.
pub const GIVEN_ANYWAY: [&str; 1] = ["level"];

/// Page size asked of every connection below the root.
pub const PAGE: i64 = 5;

/// A valid value of a plain (non-identifier) argument, by name and type.
pub fn plain(schema: &Schema, name: &str, ty: &TypeRef) -> Value {
    if let Some(element) = ty.element() {
        return json!([plain(schema, name, element)]);
    }
    let int = |n: i64| json!(n);
    match (ty.named(), name) {
        ("Int", "first" | "last") => int(PAGE),
        ("Int", "minutes") => int(15),
        ("Int", "yearGroup") => int(7),
        ("Int", "level" | "value" | "secureThreshold") => int(1),
        ("Int", "minCellSize") => int(5),
        ("Int", "academicYear") => int(2025),
        ("Int", _) => int(1),
        ("Float", _) => json!(0.5),
        ("Boolean", _) => json!(false),
        ("String", "startedAt") => json!("09:30"),
        ("String", "keyStage") => json!("KS3"),
        ("String", "subject" | "subjects") => json!("English"),
        ("String", "phase") => json!("Primary"),
        ("String", _) => json!("Isolation probe text"),
        ("Date", _) => json!("2025-10-20"),
        ("DateTime", _) => json!("2025-10-20T09:00:00Z"),
        ("JSON", _) => json!({}),
        ("ID", _) => json!(api::graphql::ids::encode("Walk", uuid::Uuid::nil()).0),
        (named, _) => match schema.get(named).enum_values.first() {
            Some(value) => json!(value),
            None => panic!("no plain value for {name}: {named}; teach slots::plain"),
        },
    }
}

/// Identifiers of one trust, by class, in the order they were found.
#[derive(Debug, Clone, Default)]
pub struct Pool(pub BTreeMap<Class, Vec<Value>>);

impl Pool {
    pub fn add(&mut self, class: Class, value: Value) {
        let values = self.0.entry(class).or_default();
        if !values.contains(&value) {
            values.push(value);
        }
    }

    pub fn merge(&mut self, other: Pool) {
        for (class, values) in other.0 {
            values.into_iter().for_each(|v| self.add(class.clone(), v));
        }
    }

    /// Every value of `class`: a typed external id falls back to all
    /// external ids, and any id to the ids of every type.
    pub fn all(&self, class: &Class) -> Vec<Value> {
        let gather = |wanted: &dyn Fn(&Class) -> bool| -> Vec<Value> {
            let found = self.0.iter().filter(|(c, _)| wanted(c));
            found.flat_map(|(_, v)| v.iter().cloned()).collect()
        };
        match class {
            Class::AnyId => gather(&|c| matches!(c, Class::Id(_))),
            Class::ExternalId(None) => gather(&|c| matches!(c, Class::ExternalId(_))),
            class => self.0.get(class).cloned().unwrap_or_default(),
        }
    }

    pub fn first(&self, class: &Class) -> Option<Value> {
        self.all(class).into_iter().next()
    }
}
