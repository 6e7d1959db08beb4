//! REST DTOs.
