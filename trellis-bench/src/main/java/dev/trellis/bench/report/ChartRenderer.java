package dev.trellis.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws the results with plain Java2D (headless): one panel of latency percentiles per contender for each
 * fixed rate, and one panel of maximum throughput.
 */
public final class ChartRenderer {
    private static final int PANEL_WIDTH = 460;
    private static final int HEIGHT = 520;
    private static final int TOP = 90;
    private static final int BOTTOM = 70;
    private static final int LEFT = 60;
    private static final double[] PERCENTILES = {50, 90, 99, 99.9};
    private static final String[] PERCENTILE_NAMES = {"p50", "p90", "p99", "p99.9"};
    private static final Color[] PERCENTILE_COLORS = {
            new Color(0x4C78A8), new Color(0x72B7B2), new Color(0xF58518), new Color(0xE45756)};
    private static final Color THROUGHPUT_COLOR = new Color(0x54A24B);
    private static final Color GRID = new Color(0xE0E0E0);

    private final ResultSet results;
    private final String title;

    public ChartRenderer(ResultSet results, String title) {
        this.results = results;
        this.title = title;
    }

    public BufferedImage render() {
        List<String> latencyScenarios = new ArrayList<>();
        for (String scenario : results.scenarios()) {
            if (results.isFixedRate(scenario)) {
                latencyScenarios.add(scenario);
            }
        }
        boolean throughput = results.scenarios().contains(ResultSet.SATURATION);
        int panels = Math.max(1, latencyScenarios.size() + (throughput ? 1 : 0));
        BufferedImage image = new BufferedImage(PANEL_WIDTH * panels, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            g.drawString(title, 16, 28);
            legend(g, 16, 50);
            int x = 0;
            for (String scenario : latencyScenarios) {
                latencyPanel(g, x, scenario);
                x += PANEL_WIDTH;
            }
            if (throughput) {
                throughputPanel(g, x);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private void latencyPanel(Graphics2D g, int x0, String scenario) {
        List<ScenarioResult> rows = results.results(scenario);
        double min = Double.MAX_VALUE;
        double max = 0;
        for (ScenarioResult row : rows) {
            min = Math.min(min, row.percentileMillis(50));
            max = Math.max(max, row.percentileMillis(99.9));
        }
        // Log scale: a p50 of 0.1 ms and a p99.9 of 20 ms both stay readable.
        Axis axis = Axis.logarithmic(min, max);
        String heading = String.format(Locale.ROOT, "Latency at %,d req/s (ms, log scale)", rows.get(0).targetRate());
        Plot plot = frame(g, x0, heading, axis);
        double groupWidth = (double) plot.width / rows.size();
        double barWidth = groupWidth * 0.8 / PERCENTILES.length;
        for (int i = 0; i < rows.size(); i++) {
            double groupX = plot.left + i * groupWidth + groupWidth * 0.1;
            for (int p = 0; p < PERCENTILES.length; p++) {
                double value = rows.get(i).percentileMillis(PERCENTILES[p]);
                int barX = (int) Math.round(groupX + p * barWidth);
                int barTop = plot.y(value, axis);
                g.setColor(PERCENTILE_COLORS[p]);
                g.fillRect(barX, barTop, Math.max(1, (int) barWidth - 1), plot.bottom - barTop);
                verticalLabel(g, format(value), barX + (int) barWidth / 2 + 4, barTop - 4);
            }
            category(g, rows.get(i).contender(), plot.left + i * groupWidth, groupWidth, plot.bottom);
        }
    }

    private void throughputPanel(Graphics2D g, int x0) {
        List<ScenarioResult> rows = results.results(ResultSet.SATURATION);
        double max = 0;
        for (ScenarioResult row : rows) {
            max = Math.max(max, row.achievedRate());
        }
        Axis axis = Axis.linear(max);
        Plot plot = frame(g, x0, "Max throughput (req/s)", axis);
        double groupWidth = (double) plot.width / rows.size();
        for (int i = 0; i < rows.size(); i++) {
            double value = rows.get(i).achievedRate();
            int barX = (int) Math.round(plot.left + i * groupWidth + groupWidth * 0.2);
            int barTop = plot.y(value, axis);
            g.setColor(THROUGHPUT_COLOR);
            g.fillRect(barX, barTop, (int) (groupWidth * 0.6), plot.bottom - barTop);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            String label = String.format(Locale.ROOT, "%,.0f", value);
            FontMetrics metrics = g.getFontMetrics();
            g.drawString(label, barX + (int) (groupWidth * 0.3) - metrics.stringWidth(label) / 2, barTop - 4);
            category(g, rows.get(i).contender(), plot.left + i * groupWidth, groupWidth, plot.bottom);
        }
    }

    private Plot frame(Graphics2D g, int x0, String heading, Axis axis) {
        Plot plot = new Plot(x0 + LEFT, TOP + 20, PANEL_WIDTH - LEFT - 20, HEIGHT - BOTTOM);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(heading, plot.left, TOP);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics metrics = g.getFontMetrics();
        for (double tick : axis.ticks()) {
            int y = plot.y(tick, axis);
            g.setColor(GRID);
            g.drawLine(plot.left, y, plot.left + plot.width, y);
            g.setColor(Color.DARK_GRAY);
            String label = tickLabel(tick);
            g.drawString(label, plot.left - 6 - metrics.stringWidth(label), y + 4);
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.drawLine(plot.left, plot.bottom, plot.left + plot.width, plot.bottom);
        return plot;
    }

    private static void legend(Graphics2D g, int x, int y) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int p = 0; p < PERCENTILE_NAMES.length; p++) {
            g.setColor(PERCENTILE_COLORS[p]);
            g.fillRect(x, y, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(PERCENTILE_NAMES[p], x + 16, y + 11);
            x += 70;
        }
        g.setColor(THROUGHPUT_COLOR);
        g.fillRect(x, y, 12, 12);
        g.setColor(Color.BLACK);
        g.drawString("throughput", x + 16, y + 11);
    }

    private static void category(Graphics2D g, String name, double x, double width, int bottom) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics metrics = g.getFontMetrics();
        // a name wider than its group breaks after its last hyphen ("trellis-" over "io_uring"), so neighbours
        // do not run into each other
        int hyphen = name.lastIndexOf('-');
        if (metrics.stringWidth(name) <= width || hyphen <= 0) {
            centred(g, name, x, width, bottom + 18);
        } else {
            centred(g, name.substring(0, hyphen + 1), x, width, bottom + 18);
            centred(g, name.substring(hyphen + 1), x, width, bottom + 32);
        }
    }

    private static void centred(Graphics2D g, String text, double x, double width, int y) {
        g.drawString(text, (int) (x + width / 2 - g.getFontMetrics().stringWidth(text) / 2.0), y);
    }

    private static void verticalLabel(Graphics2D g, String text, int x, int y) {
        AffineTransform saved = g.getTransform();
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 9));
        g.rotate(-Math.PI / 2, x, y);
        g.drawString(text, x, y);
        g.setTransform(saved);
    }

    private static String tickLabel(double value) {
        if (value >= 1 || value == 0) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return new java.math.BigDecimal(value).round(new java.math.MathContext(1)).stripTrailingZeros().toPlainString();
    }

    private static String format(double value) {
        if (value >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return value >= 10 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%.3f", value);
    }

    /** A value axis: linear from 0 with about five round steps, or logarithmic over whole decades. */
    record Axis(double min, double max, double step, boolean log) {
        static Axis linear(double value) {
            double target = value <= 0 ? 1 : value * 1.15;
            double raw = target / 5;
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double ratio = raw / magnitude;
            double step = magnitude * (ratio <= 1 ? 1 : ratio <= 2 ? 2 : ratio <= 5 ? 5 : 10);
            return new Axis(0, Math.ceil(target / step) * step, step, false);
        }

        static Axis logarithmic(double smallest, double largest) {
            double low = Math.pow(10, Math.floor(Math.log10(Math.max(smallest, 1e-3))));
            double high = Math.pow(10, Math.ceil(Math.log10(Math.max(largest * 1.5, low * 10))));
            return new Axis(low, high, 10, true);
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            if (log) {
                for (double tick = min; tick <= max * 1.0001; tick *= 10) {
                    ticks.add(tick);
                }
            } else {
                for (double tick = 0; tick <= max + step / 2; tick += step) {
                    ticks.add(tick);
                }
            }
            return ticks;
        }

        /** Where a value sits between the bottom (0) and the top (1) of the axis. */
        double fraction(double value) {
            if (log) {
                double clamped = Math.min(Math.max(value, min), max);
                return Math.log(clamped / min) / Math.log(max / min);
            }
            return Math.min(value, max) / max;
        }
    }

    /** The drawing area of one panel, in pixels. */
    private record Plot(int left, int top, int width, int bottom) {
        int y(double value, Axis axis) {
            return bottom - (int) Math.round((bottom - top) * axis.fraction(value));
        }
    }
}
