package dev.keelson.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BarChartTest {

    @Test
    void writesAReadablePngWithARowGroupPerFigure(@TempDir Path dir) throws Exception {
        BenchReport r = new BenchReport("netns", List.of(
                new Figure("create", 0.5, 0.45, "kernel floor (C)", "ms"),
                new Figure("create vs ip netns add", 0.5, 2.4, "ip netns add", "ms"),
                Figure.alone("pool take", 3, "µs")));
        Path png = dir.resolve("charts/netns.png");
        r.writeChart(png);

        byte[] head = Files.readAllBytes(png);
        assertEquals((byte) 0x89, head[0]);
        assertEquals('P', head[1]);
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "ImageIO cannot read the chart back");
        assertEquals(960, img.getWidth());
        assertEquals(66 + 3 * 58 + 16, img.getHeight());
        // Something was drawn: the first bar (Keelson's colour) is not background white.
        boolean blue = false;
        for (int x = 0; x < img.getWidth() && !blue; x++) {
            blue = (img.getRGB(x, 66 + 9) & 0xffffff) == 0x2b6cb0;
        }
        assertNotEquals(false, blue, "no Keelson bar in the first row");
    }

    @Test
    void anEmptyReportStillMakesAnImage(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("empty.png");
        new BenchReport("none", List.of()).writeChart(png);
        assertNotNull(ImageIO.read(png.toFile()));
    }
}
