//! Domain events as they travel on JetStream: `edu.events.v1.EventEnvelope` in the protobuf
//! JSON mapping with the proto's field names (what `edu.events.encode` and payment-engine's
//! relay write). Only what the catalogue needs is read; unknown fields (new ones, the other
//! payloads) are ignored, as the proto's rules for additive changes expect.

use serde::Deserialize;

use crate::app::indexing::CatalogueEvent;
use crate::domain::catalogue::{MarkKind, PopularityMark};

/// A message that is not an event this service can read: a fix is needed, not a retry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a readable event envelope: {0}")]
pub struct EnvelopeError(pub String);

#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    version: u32,
    #[serde(default)]
    course_published: Option<CourseSnapshotJson>,
    #[serde(default)]
    course_updated: Option<CourseSnapshotJson>,
    #[serde(default)]
    course_unpublished: Option<CourseSnapshotJson>,
    #[serde(default)]
    enrollment_created: Option<EnrollmentJson>,
    #[serde(default)]
    course_completed: Option<EnrollmentJson>,
}

#[derive(Debug, Deserialize)]
struct CourseSnapshotJson {
    #[serde(default)]
    course_id: String,
}

#[derive(Debug, Deserialize)]
struct EnrollmentJson {
    #[serde(default)]
    enrollment_id: String,
    #[serde(default)]
    course_id: String,
}

/// Reads one envelope into what the catalogue does with it.
pub fn decode(bytes: &[u8]) -> Result<CatalogueEvent, EnvelopeError> {
    let envelope: Envelope =
        serde_json::from_slice(bytes).map_err(|e| EnvelopeError(e.to_string()))?;
    let missing = |what: &str| EnvelopeError(format!("{} without its {what}", envelope.kind));
    let course = |payload: &Option<CourseSnapshotJson>| {
        let id = payload
            .as_ref()
            .map(|p| p.course_id.clone())
            .filter(|id| !id.is_empty())
            .ok_or_else(|| missing("course_id"))?;
        if envelope.version == 0 {
            return Err(missing("version"));
        }
        Ok((id, envelope.version))
    };
    let mark = |payload: &Option<EnrollmentJson>, kind| {
        let payload = payload.as_ref().ok_or_else(|| missing("payload"))?;
        if payload.course_id.is_empty() || payload.enrollment_id.is_empty() {
            return Err(missing("course_id and enrollment_id"));
        }
        Ok(CatalogueEvent::Popularity(PopularityMark {
            kind,
            course_id: payload.course_id.clone(),
            enrollment_id: payload.enrollment_id.clone(),
        }))
    };
    match envelope.kind.as_str() {
        "course.published" => course(&envelope.course_published)
            .map(|(course_id, version)| CatalogueEvent::CourseListed { course_id, version }),
        "course.updated" => course(&envelope.course_updated)
            .map(|(course_id, version)| CatalogueEvent::CourseListed { course_id, version }),
        "course.unpublished" => course(&envelope.course_unpublished)
            .map(|(course_id, version)| CatalogueEvent::CourseDelisted { course_id, version }),
        "enrollment.created" => mark(&envelope.enrollment_created, MarkKind::Enrolment),
        "course.completed" => mark(&envelope.course_completed, MarkKind::Completion),
        _ => Ok(CatalogueEvent::Other),
    }
}

#[cfg(test)]
mod tests;
