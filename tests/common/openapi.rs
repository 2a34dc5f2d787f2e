//! The OpenAPI document of `tarif serve` and answers checked against it.

use serde_json::Value as Json;

use super::server::parse;

/// The schema of a response in the OpenAPI document, ready to validate: its `$ref`s
/// resolved against the document's components.
pub fn response_schema(spec: &Json, path: &str, method: &str, status: u16, item: bool) -> Json {
    let mut response = &spec["paths"][path][method]["responses"][status.to_string()];
    if let Some(reference) = response["$ref"].as_str() {
        let pointer = reference.trim_start_matches('#');
        response = spec.pointer(pointer).expect("the response is described");
    }
    let content = response["content"]
        .as_object()
        .and_then(|c| c.values().next())
        .unwrap_or_else(|| panic!("{method} {path} {status} is not described"));
    let mut schema = content[if item { "itemSchema" } else { "schema" }].clone();
    assert!(schema.is_object(), "{method} {path} {status}: no schema");
    schema["components"] = spec["components"].clone();
    schema
}

/// Asserts that `body` is what the OpenAPI document says `method path` answers with
/// `status` (JSON Lines: every line).
pub fn conforms(spec: &Json, path: &str, method: &str, (status, body): (u16, String)) {
    let lines = path.ends_with("/lots") && status == 200;
    let schema = response_schema(spec, path, method, status, lines);
    let validator = jsonschema::validator_for(&schema)
        .unwrap_or_else(|e| panic!("{method} {path} {status}: schema ({e})"));
    let bodies: Vec<Json> = match lines {
        true => body.lines().map(parse).collect(),
        false => vec![parse(&body)],
    };
    for value in bodies {
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{method} {path} {status} does not follow /openapi.json: {errors:?}\n{value}"
        );
    }
}
