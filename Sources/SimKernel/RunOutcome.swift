/// Why a run of the event loop returned.
@frozen
public enum RunOutcome: Hashable, Sendable {
    /// No event was pending and the run had no finite time limit.
    case calendarEmpty
    /// Every event at or before the time limit has run, and the clock stands at the limit.
    case reachedTime
    /// The run processed its `maxEvents` budget while another event was due; that event and
    /// all later ones are still pending. A model with an event limit reports this as an
    /// error.
    case eventBudgetExhausted
    /// A handler called ``EventCalendar/requestStop()``.
    case stopRequested
}
