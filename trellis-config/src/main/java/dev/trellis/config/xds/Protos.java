package dev.trellis.config.xds;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.time.Duration;
import java.util.Map;

/** Small builders shared by the translators. */
final class Protos {
    private Protos() {}

    static com.google.protobuf.Duration duration(Duration d) {
        return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
    }

    /** Everything over the one ADS stream. */
    static ConfigSource ads() {
        return ConfigSource.newBuilder()
                .setAds(AggregatedConfigSource.getDefaultInstance())
                .setResourceApiVersion(ApiVersion.V3)
                .build();
    }

    /** filter_metadata {"trellis": fields}. */
    static Metadata trellisMetadata(Map<String, Value> fields) {
        return Metadata.newBuilder()
                .putFilterMetadata(XdsNames.METADATA_NAMESPACE, Struct.newBuilder().putAllFields(fields).build())
                .build();
    }

    static Value string(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    static Value bool(boolean b) {
        return Value.newBuilder().setBoolValue(b).build();
    }

    static Value number(double n) {
        return Value.newBuilder().setNumberValue(n).build();
    }

    static Value object(Map<String, Value> fields) {
        return Value.newBuilder().setStructValue(Struct.newBuilder().putAllFields(fields)).build();
    }

    /** A percentage, exactly: per hundred when whole, else per million (to 0.0001 %). */
    static FractionalPercent percent(double percent) {
        if (percent == Math.rint(percent)) {
            return FractionalPercent.newBuilder().setNumerator((int) percent)
                    .setDenominator(FractionalPercent.DenominatorType.HUNDRED).build();
        }
        return FractionalPercent.newBuilder().setNumerator((int) Math.round(percent * 10_000))
                .setDenominator(FractionalPercent.DenominatorType.MILLION).build();
    }

    static Value struct(Map<String, String> strings) {
        Struct.Builder s = Struct.newBuilder();
        strings.forEach((k, v) -> s.putFields(k, string(v)));
        return Value.newBuilder().setStructValue(s).build();
    }
}
