//! `edu-proto-codegen FDS OUT_DIR`: writes the Rust messages and tonic stubs for every file
//! of the `FileDescriptorSet` in `FDS` (made from proto/ by the same protoc that generates the
//! Python side, `edu proto gen`) into `OUT_DIR`, with `mod.rs` nesting them by proto package.
//!
//! Run through `just proto` (`edu proto gen`), never by hand; the output is committed (ADR 0014).

use std::path::PathBuf;
use std::process::ExitCode;

use prost::Message;
use tonic_prost_build::FileDescriptorSet;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(fds_path), Some(out_dir), None) = (args.next(), args.next(), args.next()) else {
        eprintln!("usage: edu-proto-codegen FILE_DESCRIPTOR_SET OUT_DIR");
        return ExitCode::from(2);
    };
    match generate(&PathBuf::from(fds_path), &PathBuf::from(out_dir)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("edu-proto-codegen: {error}");
            ExitCode::FAILURE
        }
    }
}

fn generate(fds_path: &PathBuf, out_dir: &PathBuf) -> Result<(), Box<dyn std::error::Error>> {
    let bytes = std::fs::read(fds_path)?;
    // The well-known types stay in the set (prost needs their shape) but map to prost-types.
    let fds = FileDescriptorSet::decode(bytes.as_slice())?;
    std::fs::create_dir_all(out_dir)?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .build_transport(true)
        .emit_rerun_if_changed(false)
        .out_dir(out_dir)
        .include_file("mod.rs")
        .compile_fds(fds)?;
    Ok(())
}
