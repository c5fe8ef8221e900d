//! `search rebuild`: a new index from the stream's first event into a directory beside
//! `EDU_SEARCH_INDEX_DIR`, swapped in only once complete (run it with the service stopped:
//! the live index's lock is checked first). Why the stream and not the course service's
//! catalogue: ADR 0025 (popularity exists only in the stream; one code path with live
//! indexing).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::adapters::course_http::HttpCourseDirectory;
use crate::adapters::jetstream::{Replayed, replay};
use crate::adapters::tantivy_index::TantivyIndex;
use crate::app::indexing::Indexer;
use crate::settings::SearchSettings;

/// Rebuilds the index in `settings.index_dir`; what the replay read.
pub async fn rebuild(settings: &SearchSettings) -> Result<Replayed, String> {
    if let Some(meilisearch) = &settings.meilisearch {
        return Err(format!(
            "EDU_MEILISEARCH_URL is set: `search rebuild` rebuilds the tantivy index only. To \
             rebuild in Meilisearch, delete its indexes `{0}` and `{0}-marks` and start search: \
             an empty index is filled from the stream's first event",
            meilisearch.index
        ));
    }
    let Some(live) = settings.index_dir.as_deref() else {
        return Err(
            "EDU_SEARCH_INDEX_DIR is not set: the index lives in memory and every start \
                    of the service fills it from the stream's first event; nothing to rebuild"
                .into(),
        );
    };
    if live.exists() {
        // Takes (and releases) the live index's writer lock: refused while the service runs.
        TantivyIndex::open(Some(live))
            .map_err(|e| format!("{}: {e} (stop the service first)", live.display()))?;
    }
    let fresh = sibling(live, "rebuilding");
    remove(&fresh)?;
    let replayed = {
        let index = Arc::new(TantivyIndex::open(Some(&fresh)).map_err(|e| e.to_string())?);
        let directory = Arc::new(
            HttpCourseDirectory::new(&settings.course_service_url, settings.course_timeout)
                .map_err(|e| e.to_string())?,
        );
        replay(&settings.feed, &Indexer::new(index, directory)).await?
    };
    let previous = sibling(live, "previous");
    remove(&previous)?;
    if live.exists() {
        rename(live, &previous)?;
    }
    rename(&fresh, live)?;
    remove(&previous)?;
    Ok(replayed)
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{suffix}"));
    path.with_file_name(name)
}

fn remove(path: &Path) -> Result<(), String> {
    match std::fs::remove_dir_all(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("{}: {error}", path.display()))
        }
        _ => Ok(()),
    }
}

fn rename(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::rename(from, to).map_err(|e| format!("{} -> {}: {e}", from.display(), to.display()))
}
