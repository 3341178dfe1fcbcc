//! The claims that carry the caller's scope, under the names the identity
//! provider gives them, and the caller they describe.

use serde_json::{Map, Value, json};

use super::{Caller, Role, Scope};

/// Most URNs a token's `schools` claim may list; larger scopes are trust-wide.
const MAX_SCHOOLS: usize = 500;

/// Where the trust, roles and schools sit in a token's claims: plain names
/// by default, or namespaced ones such as `https://walks.example.org/trust`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimNames {
    pub trust: String,
    pub roles: String,
    pub schools: String,
}

impl Default for ClaimNames {
    fn default() -> ClaimNames {
        ClaimNames {
            trust: "trust".into(),
            roles: "roles".into(),
            schools: "schools".into(),
        }
    }
}

impl ClaimNames {
    /// The caller that verified claims describe, or why they describe none
    /// (for the debug log only).
    pub(super) fn caller(&self, mut claims: Map<String, Value>) -> Result<Caller, &'static str> {
        let text = |value: Option<Value>| match value {
            Some(Value::String(text)) if !text.trim().is_empty() => Some(text),
            _ => None,
        };
        let subject = text(claims.remove("sub")).ok_or("no subject")?;
        let trust = text(claims.remove(&self.trust)).ok_or("no trust")?;
        let roles = roles(claims.remove(&self.roles)).ok_or("no or unknown roles")?;
        let schools = schools(claims.remove(&self.schools)).ok_or("bad schools")?;
        Ok(Caller {
            subject,
            scope: Scope { trust, schools },
            roles,
        })
    }

    /// The scope claims of a token for `caller`, under these names.
    pub(super) fn claims(&self, caller: &Caller) -> Map<String, Value> {
        let mut claims = Map::new();
        claims.insert("sub".into(), json!(caller.subject));
        claims.insert(self.trust.clone(), json!(caller.scope.trust));
        claims.insert(self.roles.clone(), json!(caller.roles));
        if let Some(schools) = &caller.scope.schools {
            claims.insert(self.schools.clone(), json!(schools));
        }
        claims
    }
}

/// One or more known roles; any unknown role spoils the lot.
fn roles(value: Option<Value>) -> Option<Vec<Role>> {
    let Some(Value::Array(names)) = value else {
        return None;
    };
    let roles = names.iter().map(|name| name.as_str().and_then(Role::parse));
    let roles = roles.collect::<Option<Vec<Role>>>()?;
    (!roles.is_empty()).then_some(roles)
}

/// Absent or null: trust-wide (`Some(None)`); otherwise 1 to 500 URNs.
fn schools(value: Option<Value>) -> Option<Option<Vec<i32>>> {
    let urns = match value {
        None | Some(Value::Null) => return Some(None),
        Some(Value::Array(urns)) => urns,
        Some(_) => return None,
    };
    if urns.is_empty() || urns.len() > MAX_SCHOOLS {
        return None;
    }
    let urn = |v: &Value| v.as_i64().and_then(|n| i32::try_from(n).ok());
    let urns = urns.iter().map(urn).collect::<Option<Vec<i32>>>()?;
    Some(Some(urns))
}
