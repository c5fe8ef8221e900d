//! Which upstream serves a path: prefixes from configuration, the longest that matches wins.

/// Which upstream serves a path prefix, and whether a request there is a sign-in attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub prefix: String,
    pub upstream: String,
}

/// The default routes: every public API path prefix of the services.
pub const DEFAULT_ROUTES: &str = "/auth=identity,/me=identity,/.well-known=identity,\
/courses=course,/teaching=course,/enrollments=enrollment,/certificates=enrollment,\
/notifications=notifications,/preferences=notifications,/v1/events=event-ingestion,\
/analytics=analytics-api,/payments=payment-engine,/ledger=payment-engine,\
/provider=payment-engine,/certificate-documents=certificate-generator,/search=search,\
/moderation=moderation,/qa=messaging,/ws=messaging,/teacher=teacher-tools,\
/videos=video-processor,/play=video-processor";

/// `"/auth=identity,/courses=course"` -> routes, longest prefix first.
pub fn parse_routes(text: &str) -> Vec<Route> {
    let mut routes: Vec<Route> = text
        .split(',')
        .filter_map(|pair| {
            let (prefix, upstream) = pair.trim().split_once('=')?;
            Some(Route {
                prefix: prefix.trim().trim_end_matches('/').to_owned(),
                upstream: upstream.trim().to_owned(),
            })
        })
        .filter(|route| route.prefix.starts_with('/') && !route.upstream.is_empty())
        .collect();
    routes.sort_by_key(|route| std::cmp::Reverse(route.prefix.len()));
    routes
}

/// The route of `path`: its prefix equals the path or ends at a `/` of it.
pub fn route_for<'a>(routes: &'a [Route], path: &str) -> Option<&'a Route> {
    routes.iter().find(|route| {
        path == route.prefix
            || path
                .strip_prefix(route.prefix.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_longest_prefix_first_and_malformed_pairs_are_dropped() {
        let routes = parse_routes("/a=x, /a/b/=y, nonsense, /c=");
        assert_eq!(
            routes,
            [
                Route {
                    prefix: "/a/b".into(),
                    upstream: "y".into()
                },
                Route {
                    prefix: "/a".into(),
                    upstream: "x".into()
                },
            ]
        );
    }

    #[test]
    fn a_prefix_matches_whole_segments_only() {
        let routes = parse_routes("/courses=course,/me=identity");
        assert_eq!(
            route_for(&routes, "/courses/7/lessons").unwrap().upstream,
            "course"
        );
        assert_eq!(route_for(&routes, "/me").unwrap().upstream, "identity");
        assert!(route_for(&routes, "/mention").is_none());
        assert!(route_for(&routes, "/").is_none());
    }

    #[test]
    fn certificate_documents_and_certificates_are_different_upstreams() {
        let routes = parse_routes(DEFAULT_ROUTES);
        let upstream = |path| route_for(&routes, path).map(|r| r.upstream.as_str());
        assert_eq!(
            upstream("/certificate-documents/AbCdEfGhIjKlMnOpQrSt.pdf"),
            Some("certificate-generator")
        );
        assert_eq!(
            upstream("/certificates/AbCdEfGhIjKlMnOpQrSt"),
            Some("enrollment")
        );
    }

    #[test]
    fn search_and_moderation_have_routes_of_their_own() {
        let routes = parse_routes(DEFAULT_ROUTES);
        let upstream = |path| route_for(&routes, path).map(|r| r.upstream.as_str());
        assert_eq!(upstream("/search"), Some("search"));
        assert_eq!(upstream("/moderation/queue"), Some("moderation"));
        assert_eq!(
            upstream("/moderation/items/6f1c0d8e-6a4b-4c55-9a57-0e3c2d1b2a10/decision"),
            Some("moderation")
        );
        // Whole segments only: a look-alike prefix is nobody's.
        assert_eq!(upstream("/searches"), None);
        assert_eq!(upstream("/moderations"), None);
    }

    #[test]
    fn the_teacher_dashboard_has_a_route_of_its_own() {
        let routes = parse_routes(DEFAULT_ROUTES);
        let upstream = |path| route_for(&routes, path).map(|r| r.upstream.as_str());
        assert_eq!(upstream("/teacher/courses"), Some("teacher-tools"));
        assert_eq!(
            upstream("/teacher/courses/6f1c0d8e-6a4b-4c55-9a57-0e3c2d1b2a10/dashboard"),
            Some("teacher-tools")
        );
        // Whole segments only: course's /teaching stays course's.
        assert_eq!(upstream("/teaching/courses"), Some("course"));
        assert_eq!(upstream("/teachers"), None);
    }

    #[test]
    fn messagings_qa_and_its_websocket_have_routes_of_their_own() {
        let routes = parse_routes(DEFAULT_ROUTES);
        let upstream = |path| route_for(&routes, path).map(|r| r.upstream.as_str());
        let questions = "/qa/courses/6f1c0d8e-6a4b-4c55-9a57-0e3c2d1b2a10/questions";
        let posts = "/qa/courses/6f1c0d8e-6a4b-4c55-9a57-0e3c2d1b2a10/posts";
        assert_eq!(upstream(questions), Some("messaging"));
        assert_eq!(upstream(posts), Some("messaging"));
        assert_eq!(upstream("/ws"), Some("messaging"));
        // Whole segments only, and course's own /courses stays course's.
        assert_eq!(upstream("/qanda"), None);
        assert_eq!(upstream("/wss"), None);
        assert_eq!(
            upstream("/courses/6f1c0d8e-6a4b-4c55-9a57-0e3c2d1b2a10"),
            Some("course")
        );
    }

    #[test]
    fn video_uploads_status_and_signed_playback_go_to_the_video_processor() {
        let routes = parse_routes(DEFAULT_ROUTES);
        let upstream = |path: &str| route_for(&routes, path).map(|r| r.upstream.clone());
        let video = "6f1c0d8e-6a4b-4c55-9a57-0e3c2d1b2a10";
        assert_eq!(upstream("/videos"), Some("video-processor".to_owned()));
        assert_eq!(
            upstream(&format!("/videos/{video}")),
            Some("video-processor".to_owned())
        );
        assert_eq!(
            upstream(&format!("/videos/{video}/content")),
            Some("video-processor".to_owned())
        );
        assert_eq!(
            upstream(&format!("/videos/{video}/playback")),
            Some("video-processor".to_owned())
        );
        let signed = format!("/play/1765000000/c2lnbmF0dXJl/{video}");
        assert_eq!(
            upstream(&format!("{signed}/hls/240p/segment_000.ts")),
            Some("video-processor".to_owned())
        );
        assert_eq!(
            upstream(&format!("{signed}/original")),
            Some("video-processor".to_owned())
        );
        // Whole segments only: look-alikes are nobody's.
        assert_eq!(upstream("/videosx"), None);
        assert_eq!(upstream("/playback"), None);
    }
}
