//! The running service's schema, read by introspection over HTTP: types,
//! their fields and arguments, input fields, enum values, and the
//! implementations of each interface.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::helpers::TestApp;

const INTROSPECTION: &str = "query {
  __schema {
    queryType { name } mutationType { name }
    types { kind name
      fields(includeDeprecated: true) { name args { ...value } type { ...ty } }
      inputFields { ...value }
      enumValues(includeDeprecated: true) { name }
      possibleTypes { name } } } }
fragment value on __InputValue { name defaultValue type { ...ty } }
fragment ty on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";

/// A reference to a type: `[ID!]!` is NON_NULL of LIST of NON_NULL of ID.
#[derive(Debug, Clone)]
pub struct TypeRef {
    pub kind: String,
    pub name: Option<String>,
    pub of_type: Option<Box<TypeRef>>,
}

impl TypeRef {
    fn parse(value: &Value) -> TypeRef {
        TypeRef {
            kind: value["kind"].as_str().unwrap_or_default().to_owned(),
            name: value["name"].as_str().map(str::to_owned),
            of_type: (!value["ofType"].is_null())
                .then(|| Box::new(TypeRef::parse(&value["ofType"]))),
        }
    }

    /// The named type at the bottom.
    pub fn named(&self) -> &str {
        match &self.of_type {
            Some(inner) => inner.named(),
            None => self.name.as_deref().unwrap_or_default(),
        }
    }

    pub fn required(&self) -> bool {
        self.kind == "NON_NULL"
    }

    /// The list's element type, when this is a list (nullable or not).
    pub fn element(&self) -> Option<&TypeRef> {
        match self.kind.as_str() {
            "NON_NULL" => self.of_type.as_ref()?.element(),
            "LIST" => self.of_type.as_deref(),
            _ => None,
        }
    }

    /// As a variable definition writes it, e.g. `[ID!]!`.
    pub fn render(&self) -> String {
        let inner = || {
            self.of_type
                .as_ref()
                .map(|t| t.render())
                .unwrap_or_default()
        };
        match self.kind.as_str() {
            "NON_NULL" => format!("{}!", inner()),
            "LIST" => format!("[{}]", inner()),
            _ => self.named().to_owned(),
        }
    }
}

/// An argument or an input object's field.
#[derive(Debug, Clone)]
pub struct InputValue {
    pub name: String,
    pub ty: TypeRef,
    pub has_default: bool,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub args: Vec<InputValue>,
    pub ty: TypeRef,
}

#[derive(Debug, Clone, Default)]
pub struct Type {
    pub kind: String,
    pub fields: Vec<Field>,
    pub input_fields: Vec<InputValue>,
    pub enum_values: Vec<String>,
    pub possible_types: Vec<String>,
}

pub struct Schema {
    pub query: String,
    pub mutation: Option<String>,
    pub types: BTreeMap<String, Type>,
}

fn input_values(list: &Value) -> Vec<InputValue> {
    let list = list.as_array().into_iter().flatten();
    list.map(|v| InputValue {
        name: v["name"].as_str().unwrap_or_default().to_owned(),
        ty: TypeRef::parse(&v["type"]),
        has_default: !v["defaultValue"].is_null(),
    })
    .collect()
}

fn names(list: &Value) -> Vec<String> {
    let list = list.as_array().into_iter().flatten();
    list.filter_map(|v| v["name"].as_str().map(str::to_owned))
        .collect()
}

impl Schema {
    /// Introspects the service with `token`.
    pub async fn introspect(app: &TestApp, token: &str) -> Schema {
        let data = app.data(token, INTROSPECTION, json!({})).await;
        let schema = &data["__schema"];
        let mut types = BTreeMap::new();
        for t in schema["types"].as_array().expect("types") {
            let fields = t["fields"].as_array().into_iter().flatten();
            let fields = fields.map(|f| Field {
                name: f["name"].as_str().unwrap_or_default().to_owned(),
                args: input_values(&f["args"]),
                ty: TypeRef::parse(&f["type"]),
            });
            let ty = Type {
                kind: t["kind"].as_str().unwrap_or_default().to_owned(),
                fields: fields.collect(),
                input_fields: input_values(&t["inputFields"]),
                enum_values: names(&t["enumValues"]),
                possible_types: names(&t["possibleTypes"]),
            };
            types.insert(t["name"].as_str().unwrap_or_default().to_owned(), ty);
        }
        Schema {
            query: schema["queryType"]["name"]
                .as_str()
                .expect("a query type")
                .to_owned(),
            mutation: schema["mutationType"]["name"].as_str().map(str::to_owned),
            types,
        }
    }

    pub fn get(&self, name: &str) -> &Type {
        self.types
            .get(name)
            .unwrap_or_else(|| panic!("type {name} is not in the schema"))
    }

    /// The root fields of the query and mutation types, each with its
    /// operation keyword.
    pub fn roots(&self) -> Vec<(&'static str, &Field)> {
        let query = self.get(&self.query).fields.iter().map(|f| ("query", f));
        let mutation = self.mutation.iter().flat_map(|m| self.get(m).fields.iter());
        query.chain(mutation.map(|f| ("mutation", f))).collect()
    }
}
