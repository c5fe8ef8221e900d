//! Rows to domain values and back; a row the domain refuses is [`StoreError::Corrupt`].

use tokio_postgres::Row;

use crate::app::ports::StoreError;
use crate::domain::money::{Currency, Money};
use crate::domain::payment::{Payment, Status};

/// The columns [`payment`] reads, in its order.
pub(super) const PAYMENT_COLUMNS: &str =
    "id, student_id, course_id, currency, amount_minor, status, created_at, failure_reason";
/// How many columns [`PAYMENT_COLUMNS`] names: a query selecting more reads them from here on.
pub(super) const PAYMENT_COLUMN_COUNT: usize = 8;

pub(super) fn payment(row: &Row) -> Result<Payment, StoreError> {
    let corrupt = |what: String| StoreError::Corrupt(what);
    let currency: String = row.try_get(3).map_err(|e| corrupt(e.to_string()))?;
    let amount = Currency::parse(currency.trim())
        .and_then(|currency| Money::new(currency, row.get(4)))
        .map_err(|e| corrupt(e.to_string()))?;
    let status: String = row.get(5);
    let status = Status::parse(&status).ok_or_else(|| corrupt(format!("status {status:?}")))?;
    Ok(Payment {
        id: row.get(0),
        student_id: row.get(1),
        course_id: row.get(2),
        amount,
        status,
        created_at: row.get(6),
        failure_reason: row.get(7),
    })
}

pub(super) fn unavailable(error: &tokio_postgres::Error) -> StoreError {
    StoreError::Unavailable(error.to_string())
}
