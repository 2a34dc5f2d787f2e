//! The JSON text of a family read in place: the keys of its object in order, each
//! borrowed from the text when it has no escape, duplicates kept.

use std::borrow::Cow;

use serde_json::Value as Json;

/// The keys of a JSON object in order, each with its value, duplicates kept (serde_json
/// keeps only the last of two equal keys, which would hide `"qf": 612, "qf": 5000`).
/// A key without escapes is borrowed from the text.
pub(super) struct Entries<'t>(pub Vec<(Key<'t>, Json)>);

/// A key of a JSON object, borrowed from the text when it has no escape.
#[derive(serde::Deserialize)]
pub(super) struct Key<'t>(#[serde(borrow)] pub Cow<'t, str>);

impl<'de> serde::Deserialize<'de> for Entries<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Entries<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("un objet JSON")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Entries<'de>, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(entry) = map.next_entry::<Key<'de>, Json>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

impl Entries<'_> {
    /// By entry, whether it repeats the key of an earlier one.
    pub(super) fn repeated(&self) -> Vec<bool> {
        let key = |i: usize| self.0[i].0.0.as_ref();
        let n = self.0.len();
        // A family has a few keys: compared pair by pair, else hashed.
        if n <= 16 {
            return (0..n).map(|i| (0..i).any(|j| key(j) == key(i))).collect();
        }
        let mut seen = std::collections::HashSet::with_capacity(n);
        (0..n).map(|i| !seen.insert(key(i))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_without_escapes_are_borrowed_from_the_text() {
        let entries: Entries<'_> =
            serde_json::from_str(r#"{"qf": 612, "r\u00e9sidence": "commune", "qf": 5}"#)
                .expect("object");
        let keys: Vec<(bool, &str)> = entries
            .0
            .iter()
            .map(|(Key(k), _)| (matches!(k, Cow::Borrowed(_)), k.as_ref()))
            .collect();
        assert_eq!(keys, [(true, "qf"), (false, "résidence"), (true, "qf")]);
        assert_eq!(entries.repeated(), [false, false, true]);
    }
}
