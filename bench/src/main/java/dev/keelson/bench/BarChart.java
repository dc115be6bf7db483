package dev.keelson.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws a report as a horizontal bar chart: one group per figure, a Keelson bar and, below it, the
 * peer's bar. Figures have different units, so each group is scaled to its own larger value; the
 * numbers are written next to the bars and the ratio next to the figure's name.
 *
 * <pre>
 *  create (ms)      1.07×  ████████████████████ 0.512 keelson
 *                          ██████████████████▌  0.480 kernel floor (C)
 * </pre>
 */
final class BarChart {
    private static final Color KEELSON = new Color(0x2b6cb0);
    private static final Color PEER = new Color(0xa0aec0);
    private static final Color TEXT = new Color(0x1a202c);
    private static final Color RULE = new Color(0xe2e8f0);
    private static final int WIDTH = 960;
    private static final int PAD = 16;
    private static final int BAR = 18;
    private static final int GAP = 4;
    private static final int GROUP_GAP = 18;
    private static final int TITLE = 66;
    private static final int BAR_AREA = 420;

    private BarChart() {
    }

    static void write(BenchReport report, Path png) throws IOException {
        // Charts are drawn on servers without a display; AWT must not look for one.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        BufferedImage img;
        try {
            img = draw(report);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            // Typically a JDK without usable fonts (fontconfig/freetype missing): say so plainly.
            throw new IOException("cannot draw the chart for " + report.area() + " (are fonts installed?): " + e, e);
        }
        if (!ImageIO.write(img, "png", png.toFile())) {
            throw new IOException("no PNG writer available to write " + png);
        }
    }

    private static BufferedImage draw(BenchReport report) {
        List<Figure> figures = report.figures();
        int groupHeight = 2 * BAR + GAP + GROUP_GAP;
        int height = TITLE + Math.max(1, figures.size()) * groupHeight + PAD;
        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);

            Font plain = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
            Font bold = plain.deriveFont(Font.BOLD, 15f);
            g.setFont(bold);
            g.setColor(TEXT);
            g.drawString("keelson bench " + report.area() + ": medians (shorter is better; each figure on its own scale)",
                    PAD, PAD + 14);
            g.setFont(plain);
            legend(g, PAD, PAD + 34);

            FontMetrics fm = g.getFontMetrics();
            int labelWidth = 0;
            for (Figure f : figures) {
                labelWidth = Math.max(labelWidth, fm.stringWidth(label(f)));
            }
            int barX = PAD + labelWidth + 16;
            int barArea = Math.min(BAR_AREA, WIDTH - barX - 220);
            int y = TITLE;
            for (Figure f : figures) {
                group(g, f, y, barX, barArea);
                y += groupHeight;
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    private static void group(Graphics2D g, Figure f, int y, int barX, int barArea) {
        FontMetrics fm = g.getFontMetrics();
        int baseline = y + (BAR + fm.getAscent()) / 2 - 2;
        g.setColor(TEXT);
        g.drawString(label(f), PAD, baseline);
        // A missing value (NaN: not measured) must not hide the other bar: Math.max(NaN, x) is NaN.
        double max = Math.max(finiteOrZero(f.keelson()), f.peer() == null ? 0 : finiteOrZero(f.peer()));
        bar(g, barX, y, barArea, f.keelson(), max, KEELSON, Numbers.format(f.keelson()) + " " + f.unit() + "  keelson");
        if (f.peer() != null) {
            String name = f.peerName() == null ? "peer" : f.peerName();
            bar(g, barX, y + BAR + GAP, barArea, f.peer(), max, PEER, Numbers.format(f.peer()) + " " + f.unit() + "  " + name);
        } else {
            g.setColor(PEER);
            g.drawString("no peer", barX, y + BAR + GAP + (BAR + fm.getAscent()) / 2 - 2);
        }
        g.setColor(RULE);
        g.setStroke(new BasicStroke(1f));
        int ruleY = y + 2 * BAR + GAP + GROUP_GAP / 2;
        g.drawLine(PAD, ruleY, WIDTH - PAD, ruleY);
    }

    private static void bar(Graphics2D g, int x, int y, int area, double value, double max, Color color, String text) {
        int len = max > 0 && Double.isFinite(value) ? (int) Math.round(area * Math.max(0, value) / max) : 0;
        g.setColor(color);
        g.fillRect(x, y, Math.max(len, 1), BAR);
        g.setColor(TEXT);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(text, x + len + 6, y + (BAR + fm.getAscent()) / 2 - 2);
    }

    private static void legend(Graphics2D g, int x, int y) {
        FontMetrics fm = g.getFontMetrics();
        g.setColor(KEELSON);
        g.fillRect(x, y - 10, 12, 12);
        g.setColor(TEXT);
        g.drawString("keelson", x + 18, y);
        int px = x + 18 + fm.stringWidth("keelson") + 24;
        g.setColor(PEER);
        g.fillRect(px, y - 10, 12, 12);
        g.setColor(TEXT);
        g.drawString("peer (same run)", px + 18, y);
    }

    private static String label(Figure f) {
        Double r = f.ratio();
        return f.name() + " (" + f.unit() + ")" + (r == null ? "" : "  " + Numbers.format(r) + "×");
    }

    private static double finiteOrZero(double v) {
        return Double.isFinite(v) ? v : 0;
    }
}
