//! A talk step's spotlight as CSS selectors of the page's elements (by the test ids and data
//! attributes the components render), so the browser edge marks them `data-spotlight="true"`.

use crate::run::talk::{Panel, Spot};
use crate::sim::Sim;

/// The selectors of the elements a spotlight names in `sim`'s page; a target the job lacks
/// (a subtask beyond its parallelism) selects nothing and is reported.
pub fn selectors(spots: &[Spot], sim: &Sim) -> (Vec<String>, Vec<String>) {
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for spot in spots {
        match spot {
            Spot::TaskManager(n) => out.push(format!("[data-testid=\"tm-{n}\"]")),
            Spot::Task(s) => match s.task(sim) {
                Some(t) => {
                    out.push(format!("[data-testid=\"df-task\"][data-task=\"{}\"]", t.0));
                    out.push(format!(
                        "[data-testid=\"task-chip\"][data-task=\"{}\"]",
                        t.0
                    ));
                }
                None => missing.push(spot.to_string()),
            },
            Spot::Channel(c) => match c.channel(sim) {
                Some(i) => out.push(format!(
                    "[data-testid=\"df-channel\"][data-channel=\"{i}\"]"
                )),
                None => missing.push(spot.to_string()),
            },
            Spot::State(s) => out.push(format!("[data-testid=\"keyed-subtask-{s}\"]")),
            Spot::Storage(None) => {
                out.push("[data-testid=\"df-storage\"]".to_string());
                out.push("[data-testid=\"storage-browser\"]".to_string());
            }
            Spot::Storage(Some(n)) => out.push(format!(
                "[data-testid=\"storage-entry\"][data-checkpoint-id=\"{n}\"]"
            )),
            Spot::Sink => out.push("[data-testid=\"sink-output\"]".to_string()),
            Spot::SinkDuplicate => out.push(".sink-line[data-duplicate=\"true\"]".to_string()),
            Spot::SinkAlarm => out.push(".sink-line".to_string()),
            Spot::Field(id) => out.push(format!("[data-testid=\"{id}\"]")),
            Spot::Panel(p) => out.push(
                match p {
                    Panel::Cluster => "[data-testid=\"cluster-view\"]",
                    Panel::Dataflow => "[data-testid=\"dataflow-view\"]",
                    Panel::Dashboard => ".dashboard",
                    Panel::JobManager => "[data-testid=\"job-manager\"]",
                }
                .to_string(),
            ),
        }
    }
    (out, missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimConfig;

    #[test]
    fn targets_become_selectors_of_the_rendered_test_ids() {
        let sim = Sim::new(SimConfig::default(), 1).unwrap();
        let spots: Vec<Spot> = [
            "tm:2",
            "task:1.2",
            "channel:0.1>1.1",
            "field:dash-job-state",
            "task:1.7",
        ]
        .iter()
        .map(|t| Spot::parse(t).unwrap())
        .collect();
        let (selectors, missing) = selectors(&spots, &sim);
        assert_eq!(selectors[0], "[data-testid=\"tm-2\"]");
        // Subtask 2 of the keyed vertex is task 5 (three source subtasks first).
        assert_eq!(selectors[1], "[data-testid=\"df-task\"][data-task=\"5\"]");
        assert!(selectors[3].contains("data-channel="));
        assert_eq!(selectors[4], "[data-testid=\"dash-job-state\"]");
        assert_eq!(missing, vec!["task:1.7".to_string()]);
    }
}
