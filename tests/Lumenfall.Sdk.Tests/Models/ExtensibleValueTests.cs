using System.Reflection;
using System.Text.Json;

namespace Lumenfall.Sdk.Tests.Models;

/// <summary>Every enum-like provider value takes a value the SDK does not know, in code and on the wire, and never throws.</summary>
public class ExtensibleValueTests
{
    public static TheoryData<Type> ValueTypes()
    {
        var types = new TheoryData<Type>();
        foreach (Type type in typeof(ImageRequest).Assembly.GetExportedTypes()
                     .Where(t => t.IsValueType && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IStringValue<>))))
        {
            types.Add(type);
        }

        types.Add(typeof(ImageSize));
        return types;
    }

    [Fact]
    public void Every_public_provider_value_type_is_covered()
    {
        // The closed C# enums are the SDK's own concepts, never a provider's wire value.
        Type[] closed = typeof(ImageRequest).Assembly.GetExportedTypes().Where(t => t.IsEnum).ToArray();

        closed.Should().BeEquivalentTo(new[]
        {
            typeof(ImageService), typeof(ImageMode), typeof(ImageInputKind), typeof(ImageOperationStatus), typeof(CancelOutcome),
            typeof(FalExecutionMode), typeof(FalLocalImages), typeof(ValidationLevel), typeof(FalWebhookStatus),
        });
        ((IEnumerable<object[]>)ValueTypes()).Should().HaveCountGreaterThanOrEqualTo(12);
    }

    [Theory]
    [MemberData(nameof(ValueTypes))]
    public void An_unknown_value_converts_compares_and_travels_unchanged(Type type)
    {
        MethodInfo fromString = type.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == "op_Implicit" && m.GetParameters().Single().ParameterType == typeof(string));

        object value = fromString.Invoke(null, ["brand-new-value"])!;
        string json = JsonSerializer.Serialize(value, type);
        object back = JsonSerializer.Deserialize(json, type)!;

        value.ToString().Should().Be("brand-new-value");
        json.Should().Be("\"brand-new-value\"");
        back.Should().Be(value);
        fromString.Invoke(null, ["brand-new-value"]).Should().Be(value);
    }
}
