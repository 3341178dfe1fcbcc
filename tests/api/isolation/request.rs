//! Builds one request for a root field from the schema alone: every
//! argument as a variable (identifier slots from a filler, required plain
//! arguments with valid values) and a selection of every field to a
//! bounded depth, `__typename` on every object.

use serde_json::{Map, Value};

use super::schema::{Field, InputValue, Schema, Type};
use super::slots::{GIVEN_ANYWAY, Slot, classify, plain};

/// Decides a slot's value; `None` leaves an optional slot out.
pub type Filler<'a> = dyn FnMut(&Slot) -> Option<Value> + 'a;

pub struct Built {
    pub query: String,
    pub variables: Value,
    /// Every slot met, filled or not.
    pub slots: Vec<Slot>,
}

struct Builder<'a, 'f> {
    schema: &'a Schema,
    fill: &'a mut Filler<'f>,
    definitions: Vec<String>,
    variables: Map<String, Value>,
    slots: Vec<Slot>,
    root_page: i64,
}

impl Builder<'_, '_> {
    /// The value of an argument or input field at `path`, or `None` to
    /// leave it out.
    fn value(&mut self, path: &str, parent: &str, arg: &InputValue) -> Option<Value> {
        let schema = self.schema;
        let required = arg.ty.required() && !arg.has_default;
        if let Some(class) = classify(schema, parent, &arg.name, &arg.ty) {
            let list = arg.ty.element().is_some();
            let slot = Slot {
                path: path.to_owned(),
                class,
                required,
                list,
            };
            let value = (self.fill)(&slot);
            self.slots.push(slot);
            return match value {
                None if required => Some(plain(schema, &arg.name, &arg.ty)),
                value => value,
            };
        }
        let named = arg.ty.named();
        if schema.get(named).kind == "INPUT_OBJECT" {
            let mut object = Map::new();
            for field in &schema.get(named).input_fields {
                let path = format!("{path}.{}", field.name);
                if let Some(value) = self.value(&path, named, field) {
                    object.insert(field.name.clone(), value);
                }
            }
            let list = arg.ty.element().is_some();
            let object = if list {
                Value::Array(vec![object.into()])
            } else {
                object.into()
            };
            return (required || !is_empty(&object)).then_some(object);
        }
        if arg.name == "first" && path.matches('.').count() == 1 {
            return Some(serde_json::json!(self.root_page));
        }
        let given = arg.name == "first" || GIVEN_ANYWAY.contains(&arg.name.as_str());
        (required || given).then(|| plain(schema, &arg.name, &arg.ty))
    }

    /// `(a: $v0, b: $v1)` for the arguments given, or nothing, of a
    /// field that returns `returns`.
    fn arguments(&mut self, path: &str, returns: &str, args: &[InputValue]) -> String {
        let mut given = Vec::new();
        for arg in args {
            let path = format!("{path}.{}", arg.name);
            if let Some(value) = self.value(&path, returns, arg) {
                let variable = format!("v{}", self.variables.len());
                let ty = arg.ty.render();
                self.definitions.push(format!("${variable}: {ty}"));
                self.variables.insert(variable.clone(), value);
                given.push(format!("{}: ${variable}", arg.name));
            }
        }
        if given.is_empty() {
            String::new()
        } else {
            format!("({})", given.join(", "))
        }
    }

    /// The selection of `ty` named `name`, `depth` levels deep at most,
    /// entering no type already on `path_types`.
    fn selection(&mut self, path: &str, name: &str, depth: usize, on: &mut Vec<String>) -> String {
        let ty: &Type = self.schema.get(name);
        let mut parts = vec!["__typename".to_owned()];
        if matches!(ty.kind.as_str(), "INTERFACE" | "UNION") {
            for possible in ty.possible_types.clone() {
                on.push(possible.clone());
                let inner = self.selection(path, &possible, depth, on);
                on.pop();
                parts.push(format!("... on {possible} {{ {inner} }}"));
            }
            return parts.join(" ");
        }
        for field in ty.fields.clone() {
            // An edge's node is the connection's `nodes` again.
            if name.ends_with("Edge") && field.name == "node" {
                continue;
            }
            let inner = field.ty.named().to_owned();
            let leaf = matches!(self.schema.get(&inner).kind.as_str(), "SCALAR" | "ENUM");
            if !leaf && (depth <= 1 || on.contains(&inner)) {
                continue;
            }
            let path = format!("{path}.{}", field.name);
            let args = self.arguments(&path, &inner, &field.args);
            if leaf {
                parts.push(format!("{}{args}", field.name));
                continue;
            }
            on.push(inner.clone());
            let sub = self.selection(&path, &inner, depth - 1, on);
            on.pop();
            parts.push(format!("{}{args} {{ {sub} }}", field.name));
        }
        parts.join(" ")
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.iter().all(is_empty),
        _ => false,
    }
}

/// How much a request asks for: levels below the root field, and the
/// page size of a connection at the root (those below ask for
/// [`PAGE`](super::slots::PAGE)).
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub depth: usize,
    pub root_page: i64,
}

/// The request for the root `field` of operation `op`.
pub fn build(schema: &Schema, op: &str, field: &Field, size: Size, fill: &mut Filler) -> Built {
    let depth = size.depth;
    let mut builder = Builder {
        root_page: size.root_page,
        schema,
        fill,
        definitions: Vec::new(),
        variables: Map::new(),
        slots: Vec::new(),
    };
    let inner = field.ty.named().to_owned();
    let args = builder.arguments(&field.name, &inner, &field.args);
    let leaf = matches!(schema.get(&inner).kind.as_str(), "SCALAR" | "ENUM");
    let selection = if leaf {
        String::new()
    } else {
        let sub = builder.selection(&field.name, &inner, depth, &mut vec![inner.clone()]);
        format!(" {{ {sub} }}")
    };
    let definitions = builder.definitions.join(", ");
    let definitions = if definitions.is_empty() {
        String::new()
    } else {
        format!("({definitions})")
    };
    Built {
        query: format!("{op}{definitions} {{ {}{args}{selection} }}", field.name),
        variables: Value::Object(builder.variables),
        slots: builder.slots,
    }
}
