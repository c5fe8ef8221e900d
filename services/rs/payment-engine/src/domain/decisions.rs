//! What a create-payment request or a provider webhook changes. Each decision is applied by
//! the store in one transaction (payment row, ledger movement, outbox event, the webhook's id),
//! so a crash between the provider's confirmation and our commit leaves nothing half done and
//! the provider's next delivery finds the same state.

use std::time::SystemTime;

use uuid::Uuid;

use super::idempotency::{PaymentRequest, Replay, Used, replay};
use super::ledger::Movement;
use super::money::Money;
use super::payment::{Outcome, Payment, Status, Transition};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateDecision {
    /// Store this new pending payment under the key (a unique key: a concurrent duplicate
    /// that loses the race reads the winner's and replays).
    Make(Payment),
    /// The key's first request again: answer with its payment.
    Replay(Uuid),
    /// The key was used for another request: 422.
    Mismatch,
}

pub fn create(
    used: Option<Used>,
    request: &PaymentRequest,
    new_id: Uuid,
    now: SystemTime,
) -> CreateDecision {
    match replay(used, request) {
        Replay::Fresh => CreateDecision::Make(Payment::new(
            new_id,
            request.student_id,
            request.course_id,
            request.amount,
            now,
        )),
        Replay::Same(id) => CreateDecision::Replay(id),
        Replay::Mismatch => CreateDecision::Mismatch,
    }
}

/// A provider's webhook, its signature verified and its body parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderEvent {
    /// The provider's event id: a delivery repeated has the same one.
    pub id: String,
    pub payment_id: Uuid,
    pub outcome: Outcome,
    /// What the provider says it took or gave back.
    pub amount: Money,
    /// Why a payment failed, in words for the student ("The card was declined.").
    pub reason: Option<String>,
}

/// What the platform's other services hear (through the outbox).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentEvent {
    Succeeded,
    Failed,
    Refunded,
}

impl PaymentEvent {
    pub fn name(self) -> &'static str {
        match self {
            Self::Succeeded => "payment.succeeded",
            Self::Failed => "payment.failed",
            Self::Refunded => "payment.refunded",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookDecision {
    /// This event id was handled before: answer 200, change nothing.
    Duplicate,
    /// No payment has the id (yet: its creation may not have committed): a retryable refusal.
    UnknownPayment,
    /// A refund before its success: a retryable refusal; the provider delivers it again.
    NotYet,
    /// The provider's amount is not the payment's: refused for good and logged loudly.
    AmountMismatch,
    /// The provider asks for a transition that can never happen: refused for good.
    Illegal { from: Status, to: Status },
    /// Nothing moves (a late or repeated message under a new id): record the id, answer 200.
    Unchanged,
    /// Store the payment's new status, the movement (none for a failure), the event, and the
    /// webhook's id, together.
    Apply {
        payment: Box<Payment>,
        movement: Option<Movement>,
        event: PaymentEvent,
    },
}

pub fn on_webhook(seen: bool, payment: Option<&Payment>, event: &ProviderEvent) -> WebhookDecision {
    if seen {
        return WebhookDecision::Duplicate;
    }
    let Some(payment) = payment else {
        return WebhookDecision::UnknownPayment;
    };
    if payment.amount != event.amount {
        return WebhookDecision::AmountMismatch;
    }
    let mut next = payment.clone();
    match next.apply(event.outcome) {
        Transition::Moved { to, .. } => {
            let (movement, event) = match to {
                Status::Succeeded => (
                    Some(Movement::charge(next.id, next.amount)),
                    PaymentEvent::Succeeded,
                ),
                Status::Refunded => (
                    Some(Movement::refund(next.id, next.amount)),
                    PaymentEvent::Refunded,
                ),
                Status::Failed | Status::Pending => (None, PaymentEvent::Failed),
            };
            WebhookDecision::Apply {
                payment: Box::new(next),
                movement,
                event,
            }
        }
        Transition::Unchanged => WebhookDecision::Unchanged,
        Transition::NotYet => WebhookDecision::NotYet,
        Transition::Illegal { from, to } => WebhookDecision::Illegal { from, to },
    }
}

/// A payment the provider never confirmed before its deadline: the failed payment to store
/// (with a `payment.failed`), or `None` when it is not pending any more.
pub fn expire(payment: &Payment) -> Option<Payment> {
    let mut next = payment.clone();
    match next.apply(Outcome::Failed) {
        Transition::Moved { .. } => Some(next),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    //! The decisions applied by an in-memory store, as the PostgreSQL one applies them in a
    //! transaction; proptest drives any sequence of requests (keys reused, requests changed)
    //! and webhooks (repeated, out of order, for unknown payments) through them.

    use std::collections::{HashMap, HashSet};

    use proptest::prelude::*;

    use super::*;
    use crate::domain::ledger::{Balances, MovementKind};
    use crate::domain::money::Currency;

    #[derive(Debug, Default)]
    struct Books {
        keys: HashMap<String, Used>,
        payments: HashMap<Uuid, Payment>,
        order: Vec<Uuid>,
        movements: Vec<Movement>,
        seen: HashSet<String>,
        outbox: Vec<(Uuid, PaymentEvent)>,
        next_id: u128,
    }

    impl Books {
        fn create(&mut self, key: &str, request: &PaymentRequest) -> CreateDecision {
            self.next_id += 1;
            let decision = create(
                self.keys.get(key).copied(),
                request,
                Uuid::from_u128(self.next_id),
                SystemTime::UNIX_EPOCH,
            );
            if let CreateDecision::Make(payment) = &decision {
                self.keys.insert(
                    key.to_owned(),
                    Used {
                        fingerprint: request.fingerprint(),
                        payment_id: payment.id,
                    },
                );
                self.order.push(payment.id);
                self.payments.insert(payment.id, payment.clone());
            }
            decision
        }

        fn webhook(&mut self, event: &ProviderEvent) -> WebhookDecision {
            let decision = on_webhook(
                self.seen.contains(&event.id),
                self.payments.get(&event.payment_id),
                event,
            );
            match &decision {
                WebhookDecision::Apply {
                    payment,
                    movement,
                    event: news,
                } => {
                    self.payments.insert(payment.id, (**payment).clone());
                    self.movements.extend(movement.clone());
                    self.outbox.push((payment.id, *news));
                    self.seen.insert(event.id.clone());
                }
                WebhookDecision::Unchanged
                | WebhookDecision::AmountMismatch
                | WebhookDecision::Illegal { .. } => {
                    self.seen.insert(event.id.clone());
                }
                WebhookDecision::Duplicate
                | WebhookDecision::UnknownPayment
                | WebhookDecision::NotYet => {}
            }
            decision
        }
    }

    fn eur(minor: i64) -> Money {
        Money::new(Currency::parse("EUR").unwrap(), minor).unwrap()
    }

    fn request(student: u8, course: u8, minor: i64) -> PaymentRequest {
        PaymentRequest {
            student_id: Uuid::from_u128(1000 + u128::from(student)),
            course_id: Uuid::from_u128(2000 + u128::from(course)),
            amount: eur(minor),
        }
    }

    #[derive(Debug, Clone)]
    enum Op {
        Create {
            key: u8,
            student: u8,
            course: u8,
            minor: i64,
        },
        /// The provider's news about the n-th payment made (modulo how many there are); `copy`
        /// tells a redelivery (same id) from a new message with the same news.
        Deliver {
            payment: usize,
            outcome: Outcome,
            copy: u8,
            wrong_amount: bool,
        },
        /// News about a payment nobody made.
        Stray { outcome: Outcome },
    }

    fn op() -> impl Strategy<Value = Op> {
        let outcome = prop_oneof![
            Just(Outcome::Succeeded),
            Just(Outcome::Failed),
            Just(Outcome::Refunded)
        ];
        prop_oneof![
            3 => (0u8..6, 0u8..3, 0u8..2, prop_oneof![Just(4900i64), Just(9900i64)])
                .prop_map(|(key, student, course, minor)| Op::Create { key, student, course, minor }),
            6 => (0usize..8, outcome.clone(), 0u8..3, prop::bool::weighted(0.05))
                .prop_map(|(payment, outcome, copy, wrong_amount)| Op::Deliver { payment, outcome, copy, wrong_amount }),
            1 => outcome.prop_map(|outcome| Op::Stray { outcome }),
        ]
    }

    fn run(ops: &[Op]) -> Books {
        let mut books = Books::default();
        let mut first_request: HashMap<u8, PaymentRequest> = HashMap::new();
        for op in ops {
            match *op {
                Op::Create {
                    key,
                    student,
                    course,
                    minor,
                } => {
                    let wanted = request(student, course, minor);
                    let decision = books.create(&format!("key-{key}"), &wanted);
                    // The idempotency contract, checked as the caller sees it.
                    match first_request.get(&key) {
                        None => {
                            assert!(matches!(decision, CreateDecision::Make(_)));
                            first_request.insert(key, wanted);
                        }
                        Some(first) if *first == wanted => assert_eq!(
                            decision,
                            CreateDecision::Replay(books.keys[&format!("key-{key}")].payment_id)
                        ),
                        Some(_) => assert_eq!(decision, CreateDecision::Mismatch),
                    }
                }
                Op::Deliver {
                    payment,
                    outcome,
                    copy,
                    wrong_amount,
                } => {
                    let Some(&id) = books.order.get(payment % books.order.len().max(1)) else {
                        continue;
                    };
                    let amount = books.payments[&id].amount;
                    let event = ProviderEvent {
                        id: format!("evt_{id}_{outcome:?}_{copy}_{wrong_amount}"),
                        payment_id: id,
                        outcome,
                        amount: if wrong_amount {
                            eur(amount.amount_minor() + 1)
                        } else {
                            amount
                        },
                        reason: None,
                    };
                    let decision = books.webhook(&event);
                    if wrong_amount {
                        assert!(matches!(
                            decision,
                            WebhookDecision::AmountMismatch | WebhookDecision::Duplicate
                        ));
                    }
                    // A redelivery of the same id right away changes nothing: a duplicate once
                    // recorded, the same retryable refusal otherwise.
                    let again = books.webhook(&event);
                    if matches!(
                        decision,
                        WebhookDecision::NotYet | WebhookDecision::UnknownPayment
                    ) {
                        assert_eq!(again, decision);
                    } else {
                        assert_eq!(again, WebhookDecision::Duplicate);
                    }
                }
                Op::Stray { outcome } => {
                    let event = ProviderEvent {
                        id: format!("evt_stray_{outcome:?}"),
                        payment_id: Uuid::from_u128(u128::MAX),
                        outcome,
                        amount: eur(100),
                        reason: None,
                    };
                    assert_eq!(books.webhook(&event), WebhookDecision::UnknownPayment);
                }
            }
        }
        books
    }

    fn check_invariants(books: &Books) {
        let entries: Vec<_> = books.movements.iter().flat_map(Movement::entries).collect();
        assert!(
            Balances::of(entries.iter().copied()).is_balanced(),
            "the ledger does not balance"
        );
        for movement in &books.movements {
            assert_eq!(
                movement
                    .entries()
                    .iter()
                    .map(|e| e.amount_minor)
                    .sum::<i64>(),
                0
            );
        }
        let mut enrolled: HashSet<Uuid> = HashSet::new();
        for (id, payment) in &books.payments {
            let of = |kind| {
                books
                    .movements
                    .iter()
                    .filter(|m| m.payment_id == *id && m.kind == kind)
                    .count()
            };
            let (charges, refunds) = (of(MovementKind::Charge), of(MovementKind::Refund));
            assert!(charges <= 1, "payment {id} charged {charges} times");
            assert!(
                refunds <= charges,
                "payment {id} refunded more than charged"
            );
            let expected = match payment.status {
                Status::Pending | Status::Failed => (0, 0),
                Status::Succeeded => (1, 0),
                Status::Refunded => (1, 1),
            };
            assert_eq!((charges, refunds), expected, "{:?}", payment.status);
            let news = |kind| {
                books
                    .outbox
                    .iter()
                    .filter(|(p, e)| p == id && *e == kind)
                    .count()
            };
            assert!(news(PaymentEvent::Succeeded) <= 1);
            assert!(news(PaymentEvent::Refunded) <= news(PaymentEvent::Succeeded));
        }
        // Enrollment's consumer: enrol on payment.succeeded, revoke on payment.refunded.
        for (payment, event) in &books.outbox {
            match event {
                PaymentEvent::Succeeded => assert!(enrolled.insert(*payment), "enrolled twice"),
                PaymentEvent::Refunded => assert!(enrolled.remove(payment), "revoked twice"),
                PaymentEvent::Failed => assert!(!enrolled.contains(payment)),
            }
        }
        let paid: HashSet<Uuid> = books
            .payments
            .values()
            .filter(|p| p.status == Status::Succeeded)
            .map(|p| p.id)
            .collect();
        assert_eq!(
            enrolled, paid,
            "enrolments are not the succeeded-not-refunded payments"
        );
        assert_eq!(
            books.payments.len(),
            books.keys.len(),
            "a payment per key used"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn any_sequence_keeps_the_books_balanced_and_charges_once(ops in prop::collection::vec(op(), 1..60)) {
            let books = run(&ops);
            check_invariants(&books);
        }
    }

    #[test]
    fn concurrent_duplicates_make_one_payment() {
        // Both requests read "no key" before either committed; the store's unique key lets one
        // insert win, and the loser re-reads and replays.
        let mut books = Books::default();
        let wanted = request(1, 1, 4900);
        let first = create(None, &wanted, Uuid::from_u128(1), SystemTime::UNIX_EPOCH);
        let second = create(None, &wanted, Uuid::from_u128(2), SystemTime::UNIX_EPOCH);
        assert!(matches!(first, CreateDecision::Make(_)));
        assert!(matches!(second, CreateDecision::Make(_)));
        assert!(matches!(
            books.create("k", &wanted),
            CreateDecision::Make(_)
        ));
        // The loser's insert fails on the key; it re-reads and gets the winner's payment.
        let winner = books.keys["k"].payment_id;
        assert_eq!(books.create("k", &wanted), CreateDecision::Replay(winner));
        assert_eq!(books.payments.len(), 1);
    }

    #[test]
    fn a_refund_delivered_before_its_success_applies_once_both_have_come() {
        let mut books = Books::default();
        let CreateDecision::Make(payment) = books.create("k", &request(1, 1, 4900)) else {
            panic!("not made");
        };
        assert!(expire(&payment).is_some_and(|p| p.status == Status::Failed));
        let news = |outcome, id: &str| ProviderEvent {
            id: id.into(),
            payment_id: payment.id,
            outcome,
            amount: payment.amount,
            reason: None,
        };
        assert_eq!(
            books.webhook(&news(Outcome::Refunded, "r")),
            WebhookDecision::NotYet
        );
        assert!(matches!(
            books.webhook(&news(Outcome::Succeeded, "s")),
            WebhookDecision::Apply { .. }
        ));
        assert!(matches!(
            books.webhook(&news(Outcome::Refunded, "r")),
            WebhookDecision::Apply { .. }
        ));
        assert_eq!(books.payments[&payment.id].status, Status::Refunded);
        check_invariants(&books);
    }
}
