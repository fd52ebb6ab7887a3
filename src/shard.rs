//! `--shard K/N`: which documents one of N copies of docproc converts.
//!
//! A document belongs to shard `BLAKE3(path) mod N`, where the path is the document's place in
//! the output tree (its path relative to its input root, with `/` between components): the same
//! on every machine and under every mount point, and independent of the order a directory lists
//! in. `--shard auto` reads the index and the count from the variables the batch engines set.

use std::path::Path;

use anyhow::{Result, bail};

/// One shard of a plan of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The engines `--shard auto` knows: (engine, index variable, count variable). The first whose
/// index is set decides; docproc's own variables win over every engine's.
const ENGINES: &[(&str, &str, &str)] = &[
    ("docproc", "DOCPROC_SHARD_INDEX", "DOCPROC_SHARD_COUNT"),
    ("Kubernetes", "JOB_COMPLETION_INDEX", "DOCPROC_SHARD_COUNT"),
    ("Slurm", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT"),
    (
        "AWS Batch",
        "AWS_BATCH_JOB_ARRAY_INDEX",
        "AWS_BATCH_JOB_ARRAY_SIZE",
    ),
    ("Cloud Run", "CLOUD_RUN_TASK_INDEX", "CLOUD_RUN_TASK_COUNT"),
    ("Google Cloud Batch", "BATCH_TASK_INDEX", "BATCH_TASK_COUNT"),
];

impl Shard {
    /// Parses `K/N` or `auto` (resolved with `var`, normally `std::env::var`).
    pub fn parse(value: &str, var: &dyn Fn(&str) -> Option<String>) -> Result<Shard> {
        if value == "auto" {
            return Shard::from_env(var);
        }
        let Some((k, n)) = value.split_once('/') else {
            bail!("--shard takes K/N (0 <= K < N) or auto, not '{value}'");
        };
        let (Ok(index), Ok(count)) = (k.trim().parse::<u64>(), n.trim().parse::<u64>()) else {
            bail!("--shard takes K/N with whole numbers (0 <= K < N), not '{value}'");
        };
        Shard::new(index, count, "--shard")
    }

    fn new(index: u64, count: u64, source: &str) -> Result<Shard> {
        if count == 0 {
            bail!("{source}: the shard count must be at least 1");
        }
        if index >= count {
            bail!(
                "{source}: shard {index} of {count} does not exist; shards are numbered from 0 to {}",
                count - 1
            );
        }
        Ok(Shard { index, count })
    }

    /// The shard an engine gave this process.
    fn from_env(var: &dyn Fn(&str) -> Option<String>) -> Result<Shard> {
        let number = |name: &str| -> Result<Option<u64>> {
            match var(name).filter(|v| !v.trim().is_empty()) {
                None => Ok(None),
                Some(v) => match v.trim().parse::<u64>() {
                    Ok(n) => Ok(Some(n)),
                    Err(_) => bail!("--shard auto: {name} is '{v}', not a whole number"),
                },
            }
        };
        for &(engine, index_var, count_var) in ENGINES {
            let Some(mut index) = number(index_var)? else {
                continue;
            };
            let source = format!("--shard auto ({engine}: {index_var})");
            let count = number(count_var)?;
            // Slurm arrays may start anywhere and step: --array=1-63:2 numbers tasks 1, 3, ...
            if engine == "Slurm" {
                let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
                let step = number("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
                if index < min || (index - min) % step != 0 {
                    bail!(
                        "{source}: task {index} is not on the array's range (min {min}, step {step}); \
                         give the array as a range (--array=0-63) or set DOCPROC_SHARD_INDEX"
                    );
                }
                index = (index - min) / step;
            }
            let Some(count) = count else {
                let hint = if engine == "Kubernetes" {
                    " (an Indexed Job does not tell its pods the completion count: set it to spec.completions)"
                } else {
                    ""
                };
                bail!("{source} is set but {count_var} is not; set {count_var}{hint}");
            };
            return Shard::new(index, count, &source);
        }
        let names: Vec<&str> = ENGINES.iter().map(|e| e.1).collect();
        bail!(
            "--shard auto found no shard index in the environment (looked for {}); pass --shard K/N",
            names.join(", ")
        )
    }

    /// Whether the document at `rel` (its path in the output tree, without `.md`) is in this
    /// shard.
    pub fn contains(&self, rel: &Path) -> bool {
        self.count == 1 || of_path(rel, self.count) == self.index
    }

    /// The file name of this shard's database in the state directory: `0003-of-0064.db`.
    pub fn db_name(&self) -> String {
        format!("{:04}-of-{:04}.db", self.index, self.count)
    }

    /// The shard recorded in a database's properties (`K/N`).
    pub fn from_recorded(value: &str) -> Option<Shard> {
        Shard::parse(value, &|_| None).ok()
    }
}

/// The shard of a path in a plan of `count` shards.
pub fn of_path(rel: &Path, count: u64) -> u64 {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"docproc-shard-v1\0");
    let mut first = true;
    for part in rel.components() {
        let std::path::Component::Normal(part) = part else {
            continue;
        };
        if !first {
            hasher.update(b"/");
        }
        first = false;
        hasher.update(part.as_encoded_bytes());
    }
    let hash = hasher.finalize();
    let head: [u8; 8] = hash.as_bytes()[..8].try_into().expect("8 bytes");
    u64::from_le_bytes(head) % count
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn auto(pairs: &[(&str, &str)]) -> Result<Shard> {
        Shard::parse("auto", &env(pairs))
    }

    #[test]
    fn explicit_shards_are_checked() {
        let none = env(&[]);
        assert_eq!(
            Shard::parse("3/64", &none).unwrap(),
            Shard {
                index: 3,
                count: 64
            }
        );
        for bad in ["4/4", "1/0", "-1/4", "x/4", "3", "1/2/3", ""] {
            assert!(Shard::parse(bad, &none).is_err(), "{bad}");
        }
    }

    #[test]
    fn auto_reads_every_engine() {
        type Vars = &'static [(&'static str, &'static str)];
        let cases: &[(Vars, (u64, u64))] = &[
            (
                &[("DOCPROC_SHARD_INDEX", "2"), ("DOCPROC_SHARD_COUNT", "8")],
                (2, 8),
            ),
            (
                &[("JOB_COMPLETION_INDEX", "5"), ("DOCPROC_SHARD_COUNT", "8")],
                (5, 8),
            ),
            (
                &[
                    ("SLURM_ARRAY_TASK_ID", "7"),
                    ("SLURM_ARRAY_TASK_COUNT", "8"),
                ],
                (7, 8),
            ),
            (
                &[
                    ("SLURM_ARRAY_TASK_ID", "5"),
                    ("SLURM_ARRAY_TASK_MIN", "1"),
                    ("SLURM_ARRAY_TASK_STEP", "2"),
                    ("SLURM_ARRAY_TASK_COUNT", "4"),
                ],
                (2, 4),
            ),
            (
                &[
                    ("AWS_BATCH_JOB_ARRAY_INDEX", "0"),
                    ("AWS_BATCH_JOB_ARRAY_SIZE", "3"),
                ],
                (0, 3),
            ),
            (
                &[("CLOUD_RUN_TASK_INDEX", "1"), ("CLOUD_RUN_TASK_COUNT", "2")],
                (1, 2),
            ),
            (
                &[("BATCH_TASK_INDEX", "9"), ("BATCH_TASK_COUNT", "10")],
                (9, 10),
            ),
            // docproc's own variables win over an engine's.
            (
                &[
                    ("DOCPROC_SHARD_INDEX", "1"),
                    ("DOCPROC_SHARD_COUNT", "2"),
                    ("SLURM_ARRAY_TASK_ID", "7"),
                    ("SLURM_ARRAY_TASK_COUNT", "8"),
                ],
                (1, 2),
            ),
        ];
        for (vars, (index, count)) in cases {
            let shard = auto(vars).unwrap_or_else(|e| panic!("{vars:?}: {e}"));
            assert_eq!((shard.index, shard.count), (*index, *count), "{vars:?}");
        }
    }

    #[test]
    fn auto_without_a_count_says_which_variable_to_set() {
        let err = auto(&[("JOB_COMPLETION_INDEX", "3")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("DOCPROC_SHARD_COUNT"), "{err}");
        let err = auto(&[]).unwrap_err().to_string();
        assert!(err.contains("--shard K/N"), "{err}");
        let err = auto(&[
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ])
        .unwrap_err()
        .to_string();
        assert!(err.contains("step 2"), "{err}");
        assert!(
            auto(&[
                ("AWS_BATCH_JOB_ARRAY_INDEX", "3"),
                ("AWS_BATCH_JOB_ARRAY_SIZE", "3")
            ])
            .is_err()
        );
    }

    #[test]
    fn paths_spread_over_shards_and_every_path_has_one() {
        let paths: Vec<String> = (0..4000)
            .map(|i| format!("dir{}/file {i}.txt", i % 7))
            .collect();
        let mut counts = [0u32; 4];
        for p in &paths {
            let k = of_path(Path::new(p), 4);
            counts[k as usize] += 1;
            let owners = (0..4)
                .filter(|&index| Shard { index, count: 4 }.contains(Path::new(p)))
                .count();
            assert_eq!(owners, 1);
        }
        for c in counts {
            assert!((850..1150).contains(&c), "{counts:?}");
        }
        // Separators and a leading ./ do not change the shard.
        assert_eq!(
            of_path(Path::new("a/b/c.pdf"), 64),
            of_path(Path::new("./a//b/c.pdf"), 64)
        );
    }
}
