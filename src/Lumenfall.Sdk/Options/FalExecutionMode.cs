namespace Lumenfall.Sdk;

/// <summary>How a fal request runs.</summary>
public enum FalExecutionMode
{
    /// <summary>Submit to <c>queue.fal.run</c>, then watch and fetch the result.</summary>
    Queue,

    /// <summary>POST to <c>fal.run</c> and wait for the output in the response (fal never retries these).</summary>
    Sync,
}
