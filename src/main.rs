//! The `tarif` command.
#![forbid(unsafe_code)]

mod cli;

#[cfg(feature = "allocateur")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
