"""Agency (代办/帮办), major projects (四办) and green channel (绿色通道) marks."""
