package dev.limbic.nn.optim;

import java.util.Map;

/**
 * Typed access to the string state of an optimiser or scheduler (checkpoint metadata); every error names the
 * field.
 */
public final class StateReader {
    private final Map<String, String> values;

    public StateReader(Map<String, String> values) {
        this.values = values;
    }

    public String string(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("field '" + key + "' is missing from the state");
        }
        return v;
    }

    public double decimal(String key) {
        String v = string(key);
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field '" + key + "' = '" + v + "' is not a number", e);
        }
    }

    public long longValue(String key) {
        String v = string(key);
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field '" + key + "' = '" + v + "' is not an integer", e);
        }
    }

    public int integer(String key) {
        long v = longValue(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("field '" + key + "' = " + v + " is out of int range");
        }
        return (int) v;
    }

    public boolean bool(String key) {
        String v = string(key).trim();
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException("field '" + key + "' = '" + v + "' is not true/false");
    }
}
