//! Fixture board files and the in-memory board they become.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One fixture file, as stored under `infra/fixtures/boards/*.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FixtureBoard {
    pub token: String,
    /// Job Board API keys this board accepts on POST (the Basic user name).
    pub api_keys: Vec<String>,
    /// Body of `GET /v1/boards/{token}`.
    pub board: Value,
    /// Bodies of `GET /v1/boards/{token}/jobs/{id}?questions=true&pay_transparency=true`.
    /// Kept as raw JSON so the stand-in can serve fields it does not know about.
    pub jobs: Vec<Value>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot parse fixture {path}: {source}")]
    Parse {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("invalid fixture {path}: {reason}")]
    Invalid { path: PathBuf, reason: String },
    #[error("no *.json board fixtures in {0}")]
    NoBoards(PathBuf),
}

/// A board as served: jobs are indexed by their post id once, at load or upsert time.
#[derive(Clone, Debug)]
pub(crate) struct Board {
    pub token: String,
    pub api_keys: Vec<String>,
    pub board: Value,
    /// In fixture order, because the real list keeps a stable order that clients may show.
    pub jobs: Vec<(u64, Value)>,
}

impl Board {
    pub fn from_fixture(fixture: FixtureBoard) -> Result<Board, String> {
        if fixture.token.trim().is_empty() {
            return Err("empty board token".to_owned());
        }
        let mut jobs: Vec<(u64, Value)> = Vec::with_capacity(fixture.jobs.len());
        for (index, job) in fixture.jobs.into_iter().enumerate() {
            let id = job_id(&job).ok_or_else(|| format!("jobs[{index}] has no integer \"id\""))?;
            if jobs.iter().any(|(existing, _)| *existing == id) {
                return Err(format!("jobs[{index}]: duplicate job id {id}"));
            }
            jobs.push((id, job));
        }
        Ok(Board {
            token: fixture.token,
            api_keys: fixture.api_keys,
            board: fixture.board,
            jobs,
        })
    }

    pub fn job(&self, id: u64) -> Option<&Value> {
        self.jobs
            .iter()
            .find(|(job_id, _)| *job_id == id)
            .map(|(_, job)| job)
    }
}

pub(crate) fn job_id(job: &Value) -> Option<u64> {
    job.get("id").and_then(Value::as_u64)
}

/// Board tokens are compared case-insensitively (API.md 1.2), so boards are keyed by this.
pub(crate) fn token_key(token: &str) -> String {
    token.to_ascii_lowercase()
}

pub(crate) fn load_dir(dir: &Path) -> Result<Vec<Board>, LoadError> {
    let entries = std::fs::read_dir(dir).map_err(|source| LoadError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| LoadError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        if path.extension().is_some_and(|ext| ext == "json") && path.is_file() {
            paths.push(path);
        }
    }
    // Sorted so that load errors and board order do not depend on directory order.
    paths.sort();
    if paths.is_empty() {
        return Err(LoadError::NoBoards(dir.to_path_buf()));
    }

    let mut boards: Vec<Board> = Vec::with_capacity(paths.len());
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|source| LoadError::Io {
            path: path.clone(),
            source,
        })?;
        let fixture: FixtureBoard =
            serde_json::from_str(&text).map_err(|source| LoadError::Parse {
                path: path.clone(),
                source,
            })?;
        let board = Board::from_fixture(fixture).map_err(|reason| LoadError::Invalid {
            path: path.clone(),
            reason,
        })?;
        if boards
            .iter()
            .any(|other| token_key(&other.token) == token_key(&board.token))
        {
            return Err(LoadError::Invalid {
                path,
                reason: format!("board token {:?} is already defined", board.token),
            });
        }
        boards.push(board);
    }
    Ok(boards)
}
