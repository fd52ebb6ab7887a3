//! The `docproc` binary: a shim around [`docproc::run`].

fn main() -> std::process::ExitCode {
    docproc::run(std::env::args_os()).into()
}
