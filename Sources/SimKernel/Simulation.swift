/// A model driven by an ``EventCalendar``: its state, and what each event does to it.
///
/// The model is a value; the run loop owns neither it nor the calendar. A handler reads
/// and changes the model's state and schedules, cancels or stops through `calendar`;
/// everything that happens is another event. The kernel knows nothing of what the events
/// mean.
///
/// ```swift
/// struct Counter: Simulation {
///     enum Event { case ticked }
///     var ticks = 0
///     mutating func handle(_ event: Event, at time: SimTime, calendar: inout EventCalendar<Event>) {
///         ticks += 1
///         calendar.schedule(.ticked, after: 1)
///     }
/// }
/// var model = Counter()
/// var calendar = EventCalendar<Counter.Event>()
/// calendar.schedule(.ticked, at: 0)
/// model.run(calendar: &calendar, until: 10)   // ticks at 0, 1, …, 10: model.ticks == 11
/// ```
public protocol Simulation {
    /// The payload of the model's events: a small value type, typically an enum whose cases
    /// carry typed indices.
    associatedtype Event

    /// Applies one event.
    ///
    /// Called by the run loop after the calendar's clock has been set, so `time` equals
    /// `calendar.now`.
    /// - Parameters:
    ///   - event: the popped payload.
    ///   - time: the event's time, in days.
    ///   - calendar: the calendar the event came from, for scheduling further events.
    mutating func handle(_ event: Event, at time: SimTime, calendar: inout EventCalendar<Event>)
}
