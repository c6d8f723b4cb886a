//! The self-contained HTML page.
//!
//! The page is a static template plus inline CSS and JavaScript (all under
//! `src/assets/`, compiled in with `include_str!`) and the report data
//! embedded as JSON. The JavaScript renders everything from that JSON, so
//! the Rust side only has to escape three things: the title (twice, as HTML
//! text), the generator string, and the JSON itself (so that no `</script>`
//! or `<!--` inside a document can end the data block).

use crate::model::ReportData;

const TEMPLATE: &str = include_str!("assets/template.html");
const CSS: &str = include_str!("assets/report.css");
const JS: &str = include_str!("assets/report.js");

/// Renders the whole report as one self-contained HTML document: no network
/// access, works from `file://`, data embedded as JSON.
///
/// The page supports deep links in its URL fragment: `#tab=rules&class=1`,
/// `#filter=rash`, `#doc=<id or index>`, `#paste=<url-encoded text>`.
pub fn render_html(data: &ReportData) -> String {
    let title = escape_html(&data.title);
    let generator = escape_html(&format!(
        "{} {}",
        data.generated_by.tool, data.generated_by.version
    ));
    let json = json_for_script(data);
    let mut out = String::with_capacity(TEMPLATE.len() + CSS.len() + JS.len() + json.len());
    // One pass over the template: substituted text is never scanned again, so
    // a title containing "{{JS}}" stays literal text.
    let mut rest = TEMPLATE;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        match &after[..end] {
            "TITLE" => out.push_str(&title),
            "GENERATOR" => out.push_str(&generator),
            "CSS" => out.push_str(CSS),
            "JS" => out.push_str(JS),
            "DATA" => out.push_str(&json),
            other => {
                out.push_str("{{");
                out.push_str(other);
                out.push_str("}}");
            }
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The data as compact JSON that is safe inside a `<script>` element: `<`,
/// `>` and `&` only occur inside JSON strings, where `\u003c`-style escapes
/// mean the same to `JSON.parse` but cannot close the element.
fn json_for_script(data: &ReportData) -> String {
    let raw = serde_json::to_string(data).unwrap_or_else(|_| "null".to_owned());
    let mut out = String::with_capacity(raw.len() + 64);
    for c in raw.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn sample() -> ReportData {
        ReportData {
            schema_version: SCHEMA_VERSION,
            title: "<b>\"x\" & {{JS}}</b>".into(),
            generated_by: GeneratedBy {
                tool: "tsetlin".into(),
                version: "0.1.0".into(),
            },
            classes: vec!["a".into(), "b".into()],
            features: vec!["x".into()],
            tokenizer: TokenizerSpec {
                lowercase: true,
                ngram_max: 1,
                stop_words: vec![],
                stem: false,
                strip_html_breaks: false,
            },
            clauses: vec![],
            metrics: None,
            learning_curve: vec![],
            documents: vec![DocExplanation {
                id: "d".into(),
                text: "</script><script>alert(1)</script><!-- &amp;".into(),
                true_label: None,
                predicted: 0,
                true_labels: None,
                predicted_labels: None,
                class_sums: vec![0, 0],
                fired: vec![],
                spans: vec![],
            }],
            settings: vec![],
            multi_label: None,
        }
    }

    #[test]
    fn assets_cannot_break_out_of_their_elements() {
        assert!(!JS.to_ascii_lowercase().contains("</script"));
        assert!(!CSS.to_ascii_lowercase().contains("</style"));
    }

    #[test]
    fn data_and_title_are_escaped() {
        let html = render_html(&sample());
        assert!(html.contains("<title>&lt;b&gt;&quot;x&quot; &amp; {{JS}}&lt;/b&gt;</title>"));
        assert_eq!(
            html.matches("</script>").count(),
            2,
            "only the two real closers"
        );
        assert!(!html.contains("<!-- &amp;"));
        assert!(html.contains("\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"));
        // The embedded JSON decodes back to the same data.
        let start =
            html.find("id=\"report-data\">").expect("data tag") + "id=\"report-data\">".len();
        let end = start + html[start..].find("</script>").expect("end of data");
        let back: ReportData = serde_json::from_str(&html[start..end]).expect("valid JSON");
        assert_eq!(back, sample());
    }

    #[test]
    fn empty_report_renders() {
        let mut d = sample();
        d.classes.clear();
        d.documents.clear();
        d.features.clear();
        let html = render_html(&d);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("\"classes\":[]"));
    }

    #[test]
    fn page_is_self_contained() {
        let html = render_html(&sample());
        for needle in ["http://", "https://", "src=", "<link"] {
            assert!(!html.contains(needle), "found {needle}");
        }
    }
}
