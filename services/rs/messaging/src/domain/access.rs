//! Who may read and post in a course's Q&A: the students enrolled in it and its teacher.
//! Both are learnt from events (enrollment.created; course.published/updated/unpublished name
//! the teacher), kept in messaging's database (README: why events rather than enrollment's API).

use uuid::Uuid;

/// What messaging knows about one user and one course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Membership {
    /// The course's teacher, once a course event named one.
    pub teacher_id: Option<Uuid>,
    /// Whether an enrollment of this user in the course was seen.
    pub enrolled: bool,
}

/// How a user takes part in a course's Q&A.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Teacher,
    Student,
}

/// The user's role in the course, or `None`: neither enrolled nor its teacher (no access).
pub fn role_of(user: Uuid, membership: Membership) -> Option<Role> {
    if membership.teacher_id == Some(user) {
        Some(Role::Teacher)
    } else if membership.enrolled {
        Some(Role::Student)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: Uuid = Uuid::from_u128(1);
    const OTHER: Uuid = Uuid::from_u128(2);

    #[test]
    fn the_teacher_and_enrolled_students_take_part_and_nobody_else() {
        let teaching = Membership {
            teacher_id: Some(USER),
            enrolled: false,
        };
        let enrolled = Membership {
            teacher_id: Some(OTHER),
            enrolled: true,
        };
        let stranger = Membership {
            teacher_id: Some(OTHER),
            enrolled: false,
        };
        assert_eq!(role_of(USER, teaching), Some(Role::Teacher));
        assert_eq!(role_of(USER, enrolled), Some(Role::Student));
        assert_eq!(role_of(USER, stranger), None);
        assert_eq!(role_of(USER, Membership::default()), None);
    }

    #[test]
    fn a_teacher_enrolled_in_their_own_course_is_its_teacher() {
        let both = Membership {
            teacher_id: Some(USER),
            enrolled: true,
        };
        assert_eq!(role_of(USER, both), Some(Role::Teacher));
    }
}
