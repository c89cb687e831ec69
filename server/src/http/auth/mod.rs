//! Who is asking, and whether they may ask: identification (session cookie or bearer
//! token), the sign-in gate for pages and the API, cross-origin protection, and the sign-in
//! and sign-out routes.

mod cookie;
mod cross_origin;
mod gate;
mod identify;
mod local_sign_in;
mod provider_sign_in;
mod rate_limit;
mod refusals;
mod sign_out;

pub use cross_origin::cross_origin_protection;
pub use gate::require_sign_in;
pub use identify::{identify, Identifier};
pub use local_sign_in::sign_in_locally;
pub use provider_sign_in::{finish_sign_in, start_sign_in};
pub use rate_limit::SignInLimiter;
pub use refusals::RefusalLog;
pub use sign_out::sign_out;
