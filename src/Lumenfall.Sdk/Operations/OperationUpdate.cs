namespace Lumenfall.Sdk;

/// <summary>A change seen while watching an operation.</summary>
/// <param name="Status">The status now.</param>
/// <param name="QueuePosition">The position in the queue while queued (0 is next), when the service says.</param>
/// <param name="NewLogs">Log lines not reported before.</param>
/// <param name="Elapsed">Time since the SDK started watching.</param>
/// <param name="RawStatus">The service's own status text, for example <c>IN_QUEUE</c>.</param>
public sealed record OperationUpdate(ImageOperationStatus Status, int? QueuePosition, IReadOnlyList<OperationLog> NewLogs, TimeSpan Elapsed, string? RawStatus);
