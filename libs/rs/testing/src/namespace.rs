//! Names unique to one test, so concurrent tests sharing one NATS and one Redis never see each
//! other's messages or keys.

/// A test's namespace: `t<32 hex>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    id: String,
}

impl Namespace {
    pub fn new() -> Self {
        Self {
            id: format!("t{}", uuid::Uuid::new_v4().simple()),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// `events.course.published` -> `t<id>.events.course.published`.
    pub fn subject(&self, subject: &str) -> String {
        format!("{}.{subject}", self.id)
    }

    /// A JetStream stream name (letters, digits, `_` and `-` only): `T<id>_<name>`.
    pub fn stream(&self, name: &str) -> String {
        format!("T{}_{name}", &self.id[1..])
    }

    /// `rate:1.2.3.4` -> `t<id>:rate:1.2.3.4`.
    pub fn key(&self, key: &str) -> String {
        format!("{}:{key}", self.id)
    }
}

impl Default for Namespace {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_tests_never_share_a_name() {
        let (a, b) = (Namespace::new(), Namespace::new());
        assert_ne!(a.subject("events.>"), b.subject("events.>"));
        assert_ne!(a.key("k"), b.key("k"));
        assert!(
            a.subject("events.course.published")
                .ends_with(".events.course.published")
        );
        assert!(
            a.stream("EVENTS")
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        );
    }
}
