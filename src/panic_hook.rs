//! Keeps converter panics quiet and informative.
//!
//! A panic inside a converter is caught (`convert::convert`) and becomes one failed document with
//! code `internal`; the default hook would still print a backtrace banner in the middle of the
//! progress output. This hook records where the panic happened for the error message and stays
//! silent inside converters; anywhere else it defers to the default hook, so real bugs in docproc
//! remain loud.

use std::cell::{Cell, RefCell};
use std::panic::PanicHookInfo;
use std::sync::Once;

thread_local! {
    static IN_CONVERTER: Cell<bool> = const { Cell::new(false) };
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the hook once per process.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
            if IN_CONVERTER.with(Cell::get) {
                let location = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()));
                log::debug!("converter panicked: {info}");
                LOCATION.with(|slot| *slot.borrow_mut() = location);
            } else {
                default(info);
            }
        }));
    });
}

/// Marks the current thread as running converter code until the guard is dropped.
pub fn converter_scope() -> ConverterScope {
    IN_CONVERTER.with(|flag| flag.set(true));
    LOCATION.with(|slot| slot.borrow_mut().take());
    ConverterScope(())
}

pub struct ConverterScope(());

impl Drop for ConverterScope {
    fn drop(&mut self) {
        IN_CONVERTER.with(|flag| flag.set(false));
    }
}

/// The location of the last panic caught on this thread inside a converter.
pub fn take_location() -> Option<String> {
    LOCATION.with(|slot| slot.borrow_mut().take())
}
