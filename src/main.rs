//! The kzclaims binary: everything lives in the library.

fn main() {
    std::process::exit(kzclaims::run(std::env::args_os()));
}
