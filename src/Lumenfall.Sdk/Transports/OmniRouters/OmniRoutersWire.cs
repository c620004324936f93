using System.Text.Json;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk.Transports.OmniRouters;

/// <summary>
/// OmniRouters' image reply: a sync result (<c>created</c>, <c>data[]</c>, <c>usage</c>), an async submit
/// (<c>task_id</c>, <c>status</c>) or a task lookup (<c>task_id</c>, <c>status</c>, <c>data[]</c> when completed,
/// <c>error</c> when failed). Every field is optional; read by hand (<see cref="Read"/>), as it is read on every call.
/// </summary>
internal sealed class OmniRoutersImagesResponse : WireImagesReply
{
    /// <summary>The images <see cref="Http.StreamingImagesReader"/> decoded while reading (items refer to them by <c>b64_json_ref</c>).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>>? Decoded { get; set; }

    public string? TaskId { get; set; }

    public string? Status { get; set; }

    public string? Message { get; set; }

    /// <summary>Reads the reply at the reader (the rules of <see cref="WireJson"/>); null for a JSON null.</summary>
    public static OmniRoutersImagesResponse? Read(ref Utf8JsonReader reader) => WireJson.ReadObject(ref reader, static () => new OmniRoutersImagesResponse(), static (ref Utf8JsonReader r, OmniRoutersImagesResponse body) =>
    {
        if (ReadShared(ref r, body))
        {
            return true;
        }

        if (r.ValueTextEquals("task_id"u8))
        {
            body.TaskId = WireJson.String(ref r);
        }
        else if (r.ValueTextEquals("status"u8))
        {
            body.Status = WireJson.String(ref r);
        }
        else if (r.ValueTextEquals("message"u8))
        {
            body.Message = WireJson.String(ref r);
        }
        else
        {
            return false;
        }

        return true;
    });
}
