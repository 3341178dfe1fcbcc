//! The protocol JSON file: its shape, and the checks a file must pass before
//! it becomes rows.

use std::collections::BTreeSet;

use anyhow::{Context, anyhow, ensure};
use entity::Lens;
use sea_orm::{ActiveEnum, Iterable};
use serde::Deserialize;

#[derive(Debug, PartialEq, Deserialize)]
pub(super) struct ProtocolFile {
    pub key: String,
    pub name: String,
    pub version: i32,
    pub purpose: String,
    pub scale: ScaleFile,
    pub focus_areas: Vec<FocusAreaFile>,
}

#[derive(Debug, PartialEq, Deserialize)]
pub(super) struct ScaleFile {
    pub levels: Vec<LevelFile>,
    pub secure_threshold: i32,
    pub allows_not_observed: bool,
}

#[derive(Debug, PartialEq, Deserialize)]
pub(super) struct LevelFile {
    pub value: i32,
    pub label: String,
}

#[derive(Debug, PartialEq, Deserialize)]
pub(super) struct FocusAreaFile {
    pub key: String,
    pub lens: String,
    pub title: String,
    pub indicators: Vec<IndicatorFile>,
}

#[derive(Debug, PartialEq, Deserialize)]
pub(super) struct IndicatorFile {
    pub code: String,
    pub statement: String,
}

impl ProtocolFile {
    /// Reads the JSON and checks it, refusing a broken file with the reason.
    pub(super) fn read(json: &[u8]) -> anyhow::Result<Self> {
        let file: Self = serde_json::from_slice(json).context("not protocol JSON")?;
        file.check()?;
        Ok(file)
    }

    /// Checks the names, the scale, and that keys and codes are unique.
    fn check(&self) -> anyhow::Result<()> {
        let (key, scale) = (&self.key, &self.scale);
        ensure!(
            !key.trim().is_empty() && !self.name.trim().is_empty() && self.version >= 1,
            "a protocol needs a key, a name and a version of 1 or more"
        );

        let values: BTreeSet<i32> = scale.levels.iter().map(|l| l.value).collect();
        ensure!(
            !values.is_empty(),
            "protocol {key}: the scale has no levels"
        );
        ensure!(
            values.len() == scale.levels.len(),
            "protocol {key}: scale level values must be unique"
        );
        ensure!(
            values.contains(&scale.secure_threshold),
            "protocol {key}: the secure threshold {} is not one of the levels {values:?}",
            scale.secure_threshold,
        );

        let (mut area_keys, mut codes) = (BTreeSet::new(), BTreeSet::new());
        for area in &self.focus_areas {
            let area_key = &area.key;
            ensure!(
                area_keys.insert(area_key),
                "focus area key {area_key:?} appears twice"
            );
            area.lens()?;
            for item in &area.indicators {
                let code = &item.code;
                ensure!(codes.insert(code), "indicator code {code:?} appears twice");
            }
        }
        ensure!(!codes.is_empty(), "protocol {key}: there are no indicators");
        Ok(())
    }
}

impl FocusAreaFile {
    /// The area's lens, or an error listing the lenses there are.
    pub(super) fn lens(&self) -> anyhow::Result<Lens> {
        Lens::try_from_value(&self.lens).map_err(|_| {
            let known: Vec<String> = Lens::iter().map(|l| l.to_value()).collect();
            let (key, lens, known) = (&self.key, &self.lens, known.join(", "));
            anyhow!("focus area {key:?}: unknown lens {lens:?}; expected one of {known}")
        })
    }
}
