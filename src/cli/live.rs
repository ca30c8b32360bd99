//! What `ailint collect` and a live `ailint audit` share: which account, regions and role,
//! and the read itself.

#[cfg(feature = "aws")]
use std::path::{Path, PathBuf};

use clap::Args;

use crate::config::Config;

/// How to reach the account(s); the AWS CLI's conventions, `ailint.toml`'s `[aws]` for
/// defaults.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Live account")]
pub struct LiveArgs {
    /// A named profile of the shared AWS configuration (SSO profiles too); also selects
    /// `[profile.NAME]` of ailint.toml. Default: the default credential chain.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// A region to read; repeat for more. Default: the profile's region.
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// Read every region enabled in the account.
    #[arg(long, conflicts_with = "regions")]
    pub all_regions: bool,
    /// Assume this role first.
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// Calls in flight at once, across services, regions and accounts [default: 32].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=512))]
    pub max_concurrency: Option<u16>,
    /// Read every account of the organization, assuming `--role-name` in each.
    #[arg(long, requires = "role_name")]
    pub org: bool,
    /// The role to assume in each account of the organization.
    #[arg(long, value_name = "NAME", requires = "org")]
    pub role_name: Option<String>,
    /// Only the I-th of N slices of the organization's accounts (for parallel jobs).
    #[arg(long, value_name = "I/N", requires = "org", value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
}

impl LiveArgs {
    /// Whether any flag asks for a live account.
    pub fn any(&self) -> bool {
        !self.regions.is_empty()
            || self.all_regions
            || self.role_arn.is_some()
            || self.max_concurrency.is_some()
            || self.org
    }

    /// The profile in use: `--profile`, else `AWS_PROFILE`.
    pub fn profile_name(&self) -> Option<String> {
        self.profile
            .clone()
            .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()))
    }

    /// A name for what is read, for file names and SARIF categories: `account-<id>`,
    /// `organization`, `organization-shard-1-of-4`.
    pub fn scope_name(&self, accounts: &[String]) -> String {
        match (self.org, self.shard) {
            (true, Some((i, n))) => format!("organization-shard-{i}-of-{n}"),
            (true, None) => "organization".into(),
            (false, _) => match accounts {
                [one] => format!("account-{one}"),
                _ => "accounts".into(),
            },
        }
    }
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("`{s}` is not `I/N` (for example `1/4`)"))?;
    let parse = |v: &str| {
        v.trim()
            .parse::<usize>()
            .map_err(|_| format!("`{v}` is not a number"))
    };
    let (i, n) = (parse(i)?, parse(n)?);
    if n == 0 || i == 0 || i > n {
        return Err(format!("shard `{s}`: I must be between 1 and N"));
    }
    Ok((i, n))
}

/// The configuration for a run: `[profile.NAME]` applied when a profile is in use.
pub fn config_for(
    config: Config,
    live: &LiveArgs,
) -> Result<Config, Box<crate::config::ConfigError>> {
    match live.profile_name() {
        Some(p) => config.for_profile(&p),
        None => Ok(config),
    }
}

/// A finished read: the inventory and what to say about it.
#[cfg(feature = "aws")]
pub struct Collected {
    pub inventory: serde_json::Value,
    pub accounts: Vec<String>,
    pub resources: usize,
    pub not_collected: usize,
    pub calls: usize,
}

/// Reads the account(s) into an inventory.
#[cfg(feature = "aws")]
pub fn collect(
    live: &LiveArgs,
    config: &Config,
    progress: bool,
) -> Result<Collected, crate::sources::aws::LiveError> {
    use crate::sources::aws;
    let mut options = aws::LiveOptions {
        profile: live.profile.clone(),
        regions: if live.regions.is_empty() && !live.all_regions {
            config.aws.regions.clone()
        } else {
            live.regions.clone()
        },
        all_regions: live.all_regions || (live.regions.is_empty() && config.aws.all_regions),
        role_arn: live
            .role_arn
            .clone()
            .or_else(|| config.aws.role_arn.clone()),
        progress,
        org_role_name: live.role_name.clone(),
        shard: live.shard,
        ..aws::LiveOptions::default()
    };
    // As the AWS CLI: `AWS_MAX_ATTEMPTS` sets the attempts per call.
    if let Some(n) = std::env::var("AWS_MAX_ATTEMPTS")
        .ok()
        .and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|n| *n > 0)
    {
        options.max_attempts = n;
    }
    if let Some(n) = live
        .max_concurrency
        .map(usize::from)
        .or(config.aws.max_concurrency)
    {
        options.max_concurrency = n;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| aws::LiveError::Runtime(e.to_string()))?;
    let run = runtime.block_on(aws::collect(&options))?;
    let inventory = aws::inventory(&run.collections, &aws::now_rfc3339());
    let count = |key: &str| inventory[key].as_array().map_or(0, Vec::len);
    Ok(Collected {
        accounts: run.collections.iter().map(|c| c.account.clone()).collect(),
        resources: count("resources"),
        not_collected: count("notCollected"),
        calls: run.calls.len(),
        inventory,
    })
}

#[cfg(feature = "aws")]
impl Collected {
    /// One line on stderr: what was read.
    pub fn summary(&self, written: &Path) -> String {
        let accounts = match self.accounts.as_slice() {
            [one] => format!("account {one}"),
            many => format!("{} accounts", many.len()),
        };
        let mut s = format!(
            "ailint: collected {} resources from {accounts} in {} calls; inventory `{}`",
            self.resources,
            self.calls,
            written.display()
        );
        if self.not_collected > 0 {
            s.push_str(&format!(
                "\nailint: {} reads failed (listed in the inventory's `notCollected`); their rules are not assessed",
                self.not_collected
            ));
        }
        s
    }
}

#[cfg(feature = "aws")]
/// Writes an inventory as indented JSON, one field a line, so findings can point at lines.
pub fn write_inventory(path: &Path, inventory: &serde_json::Value) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut text = serde_json::to_string_pretty(inventory).map_err(std::io::Error::other)?;
    text.push('\n');
    std::fs::write(path, text)
}

#[cfg(feature = "aws")]
/// Where a live audit keeps its inventory: `--inventory`, else next to the report
/// (`-o`), else the working directory.
pub fn inventory_path(explicit: Option<&Path>, report: Option<&Path>, scope: &str) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    let name = format!("ailint-inventory-{scope}.json");
    match report.and_then(Path::parent) {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(name),
        _ => PathBuf::from(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_one_based_slices() {
        assert_eq!(parse_shard("1/4"), Ok((1, 4)));
        assert_eq!(parse_shard("4/4"), Ok((4, 4)));
        assert!(parse_shard("0/4").is_err());
        assert!(parse_shard("5/4").is_err());
        assert!(parse_shard("1-4").unwrap_err().contains("`1-4`"));
    }

    #[test]
    #[cfg(feature = "aws")]
    fn the_inventory_goes_next_to_the_report() {
        let p = inventory_path(None, Some(Path::new("out/ailint.sarif")), "account-1");
        assert_eq!(p, PathBuf::from("out/ailint-inventory-account-1.json"));
        let p = inventory_path(None, Some(Path::new("ailint.sarif")), "account-1");
        assert_eq!(p, PathBuf::from("ailint-inventory-account-1.json"));
        let p = inventory_path(Some(Path::new("x.json")), Some(Path::new("o/a.sarif")), "a");
        assert_eq!(p, PathBuf::from("x.json"));
    }
}
