//! Form fields (text inputs and selects): their class strings, written once.

/// A field that fills its column.
pub const FIELD: &str = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

/// A field as wide as its content, for forms laid out in one row.
pub const FIELD_INLINE: &str = "mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";
